/** @module Where the pages load the passkeys script from: a route on Node, a static asset on Workers. */
export const PASSKEYS_SCRIPT_PATH = '/assets/passkeys.js';
