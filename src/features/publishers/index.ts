/** @module Publishers: who is calling (keys, middleware), the directory, their allowed origins, and the titles readers see. */

export { onboardPublisher, rotateKey, updatePublisher } from './admin';
export {
  createPublisherKey,
  listPublisherKeys,
  MAX_LIVE_KEYS,
  presentPublisherKey,
  revokePublisherKey,
} from './api-keys';
export { getPublisher, listPublishers } from './directory';
export { publisherKeyRoutes } from './key-routes';
export { authenticatePublisher } from './keys';
export { publisherPrincipal, requirePublisher } from './middleware';
export type { PublisherPrincipal } from './principal';
export { type ProfileChange, updatePublisherProfile } from './profile';
export { OriginSchema, TitleFieldsSchema, titleFieldsOf } from './shapes';
export { presentTitle, TitleSchema, titlesRoutes } from './titles-routes';
