/** @module The whole drizzle schema, one import for the client factories and drizzle-kit. */

export * from './billing';
export * from './publishers';
export * from './readers';
