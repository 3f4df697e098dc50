import { applyD1Migrations, env } from 'cloudflare:test';

// The real drizzle-kit migrations, applied to the test D1 exactly as `wrangler d1 migrations apply` would.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
