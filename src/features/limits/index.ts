/** @module Rate limits, for every feature that counts attempts (see ./limits). */
export * from './limits';
