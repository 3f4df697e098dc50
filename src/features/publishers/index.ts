/** @module Publishers: who is calling (keys, middleware), the directory, their allowed origins, and the titles readers see. */
export { getPublisher, listPublishers } from './directory';
export { authenticatePublisher } from './keys';
export { requirePublisher } from './middleware';
export { OriginSchema } from './shapes';
export { presentTitle, TitleSchema, titlesRoutes } from './titles-routes';
