import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { defineConfig } from 'vitest/config';

const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));

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
            'test/sdk/**/*.test.ts',
            'test/emulator/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ENVIRONMENT: 'test',
                LOG_LEVEL: 'warn',
                ...secrets,
                STRIPE_API_BASE: inject('stripeEmulatorUrl'),
                TEST_MIGRATIONS: migrations,
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          setupFiles: ['test/workers/apply-migrations.ts'],
          globalSetup: ['test/workers/global-setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
