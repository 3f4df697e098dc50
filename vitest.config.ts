import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { defineConfig } from 'vitest/config';
import { writeDocsAssets } from './scripts/docs-assets';

const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
// wrangler.toml's [assets] directory (the /docs viewer), before the Workers pool reads the config.
writeDocsAssets(import.meta.dirname);

/** Fresh secrets for every test run: nothing secret is committed, nothing is reused between runs. */
async function testSecrets() {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y, d } = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256');
  const random = () => randomBytes(32).toString('base64url');
  return {
    ENTITLEMENT_SIGNING_KEY: JSON.stringify({ kty, crv, x, y, d, kid }),
    PAIRWISE_SECRET: random(),
    ADMIN_API_KEY: `ak_test_${random()}`,
  };
}

const secrets = await testSecrets();

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: [
            'test/unit/**/*.test.{ts,tsx}',
            'test/node/**/*.test.{ts,tsx}',
            'packages/verify/test/*.test.ts',
            'test/emulator/**/*.test.ts',
            'test/security/*.test.ts',
            'test/fuzz/**/*.test.ts',
            'test/faults/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The reader's journey in Debian's chromium against the whole system on loopback ports.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // A real (simulated) Workers rate-limiting binding for the limiter's binding path.
              ratelimits: { TEST_RATE_LIMITER: { namespace_id: '1001', simple: { limit: 3, period: 60 } } },
              // The period ledger (docs/LEDGER.md) is on in workerd: a ring of twelve D1 databases, six
              // months of two shards, and its archive bucket. The Node door runs both ways.
              d1Databases: Object.fromEntries(
                Array.from({ length: 12 }, (_, i) => [`LEDGER_${i}`, `ledger-${i}`]),
              ),
              r2Buckets: ['LEDGER_ARCHIVE'],
              bindings: {
                ENVIRONMENT: 'test',
                LOG_LEVEL: 'warn',
                // Every SELF.fetch comes from the same (unknown) address: per-IP limits are raised
                // here; the limiters themselves are tested with their own settings.
                LIMIT_SIGNUPS: '100000/1h',
                LIMIT_SIGNIN_IP: '100000/15m',
                LIMIT_PASSWORD_RESETS_IP: '100000/1h',
                LIMIT_ACCESS_IP: '100000/1m',
                LIMIT_SIGNIN_MAILS_IP: '100000/1h',
                // The meter is on in workerd, as in the Node journeys, so that its journey runs here too.
                METER_FREE_ARTICLES: '3',
                LEDGER_SHARDS: '2',
                ...secrets,
                STRIPE_API_BASE: inject('stripeEmulatorUrl'),
                TEST_MIGRATIONS: migrations,
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: [
            'test/workers/**/*.test.ts',
            'test/faults/workerd/**/*.test.ts',
            'test/security/workerd/**/*.test.ts',
          ],
          setupFiles: ['test/workers/apply-migrations.ts'],
          globalSetup: ['test/workers/global-setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // The publisher SDK inside workerd, where a Worker without nodejs_compat has only WebCrypto.
        plugins: [
          cloudflareTest({ wrangler: { configPath: './packages/verify/test/workerd/wrangler.toml' } }),
        ],
        test: {
          name: 'verify-workerd',
          include: ['packages/verify/test/workerd/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // The built package as publishers get it: under Deno and Bun, and packed then installed alone.
        test: {
          name: 'verify-dist',
          include: ['packages/verify/test/runtimes/*.test.ts', 'packages/verify/test/pack/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
