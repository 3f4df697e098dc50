/** @module The whole drizzle schema, one import for the client factories and drizzle-kit. */

export * from './access';
export * from './account';
export * from './accounting';
export * from './audit';
export * from './billing';
export * from './consoles';
export * from './gifts';
export * from './limits';
export * from './pairwise';
export * from './publishers';
export * from './readers';
export * from './seats';
export * from './webhooks';
