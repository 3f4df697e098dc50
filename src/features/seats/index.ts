/** @module Seats: family and group plans, where one subscription also entitles the people its owner invites by email. */
export { joinSeat, previewSeat, type SeatInvitation } from './join';
export { inviteSeat, leaveSeat, listSeats, removeSeat, type SeatsOverview, type SeatView } from './manage';
export { seatPages } from './pages';
export { seatRoutes } from './routes';
