import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      LEDGER_ARCHIVE: R2Bucket;
      TEST_RATE_LIMITER: { limit(options: { key: string }): Promise<{ success: boolean }> };
      TEST_MIGRATIONS: D1Migration[];
      ADMIN_API_KEY: string;
      [binding: `LEDGER_${number}`]: D1Database;
      PAIRWISE_SECRET: string;
      ENTITLEMENT_SIGNING_KEY: string;
    }
  }
}
