/**
 * @module The zod locales the Worker carries: English only. wrangler.toml aliases zod's internal
 * `../locales/index.js` (every language zod ships, about 250 KB minified, kept whole because
 * `@hono/zod-openapi` hands zod's namespace object around) to this module. The service's own
 * messages are English, and zod's default (English) error map is set by zod itself.
 */
export { default as en } from 'zod/v4/locales/en.js';
