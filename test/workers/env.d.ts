import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      TEST_RATE_LIMITER: { limit(options: { key: string }): Promise<{ success: boolean }> };
      TEST_MIGRATIONS: D1Migration[];
      ADMIN_API_KEY: string;
      PAIRWISE_SECRET: string;
      ENTITLEMENT_SIGNING_KEY: string;
    }
  }
}
