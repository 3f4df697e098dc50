/**
 * @module The pages' passkey script as committed is what scripts/passkeys-client.ts bundles now
 * from its source and @simplewebauthn/browser (run `npx tsx scripts/passkeys-client.ts` after a
 * change), and its string literal holds that bundle byte for byte; and it is what the doors serve.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { writeDocsAssets } from '../../scripts/docs-assets';
import { CLIENT_MODULE, passkeysClientBundle, passkeysClientModule } from '../../scripts/passkeys-client';
import { PASSKEYS_SCRIPT } from '../../src/features/pages/client/passkeys-script';
import { startNodeDoor } from '../support/node-door';

const ROOT = path.resolve(import.meta.dirname, '../..');

it('src/features/pages/client/passkeys-script.ts is the bundle of its source now', async () => {
  expect(readFileSync(CLIENT_MODULE, 'utf8')).toBe(await passkeysClientModule());
  expect(PASSKEYS_SCRIPT).toBe(await passkeysClientBundle());
  expect(PASSKEYS_SCRIPT).toContain('navigator.credentials.create');
});

it('is what both doors serve at /assets/passkeys.js: the Node door from the module, the Worker from its assets', async () => {
  // The Worker's copy: scripts/docs-assets.ts writes it into wrangler.toml's [assets] directory.
  const written = writeDocsAssets(ROOT).find((w) => w.file.endsWith(path.join('assets', 'passkeys.js')));
  expect(written && readFileSync(written.file, 'utf8')).toBe(PASSKEYS_SCRIPT);
  const door = await startNodeDoor({ LOG_LEVEL: 'silent' });
  try {
    const res = await door.fetch(`${door.base}/assets/passkeys.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await res.text()).toBe(PASSKEYS_SCRIPT);
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await door.fetch(`${door.base}/assets/passkeys.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  } finally {
    door.close();
  }
});
