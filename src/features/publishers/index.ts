/** @module Publishers: who is calling (keys, middleware), the directory, their allowed origins, and the titles readers see. */
export { getPublisher, listPublishers } from './directory';
export { authenticatePublisher } from './keys';
export { publisherPrincipal, requirePublisher } from './middleware';
export type { PublisherPrincipal } from './principal';
export { OriginSchema } from './shapes';
export { presentTitle, TitleSchema, titlesRoutes } from './titles-routes';
