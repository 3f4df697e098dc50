/** @module Publishers: who is calling (keys, middleware), the directory, and their allowed origins. */
export { getPublisher, listPublishers } from './directory';
export { authenticatePublisher } from './keys';
export { requirePublisher } from './middleware';
export { OriginSchema } from './shapes';
