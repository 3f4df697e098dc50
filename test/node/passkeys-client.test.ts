/**
 * @module The pages' passkey script as committed is what scripts/passkeys-client.ts bundles now
 * from its source and @simplewebauthn/browser (run `npx tsx scripts/passkeys-client.ts` after a
 * change), and its string literal holds that bundle byte for byte.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CLIENT_MODULE, passkeysClientBundle, passkeysClientModule } from '../../scripts/passkeys-client';
import { PASSKEYS_SCRIPT } from '../../src/features/pages/client/passkeys-script';

it('src/features/pages/client/passkeys-script.ts is the bundle of its source now', async () => {
  expect(readFileSync(CLIENT_MODULE, 'utf8')).toBe(await passkeysClientModule());
  expect(PASSKEYS_SCRIPT).toBe(await passkeysClientBundle());
  expect(PASSKEYS_SCRIPT).toContain('navigator.credentials.create');
});
