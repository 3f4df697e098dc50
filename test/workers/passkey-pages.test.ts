/**
 * @module The passkey parts of the pages, in workerd: the script served from the service itself and
 * allowed by the pages' CSP; the sign-in page's passkey button hidden until the script shows it,
 * beside the password and mail options; the account's Passkeys section, whose remove buttons are
 * plain CSRF-protected forms that remove only the reader's own passkey.
 */
import { describe, expect, it } from 'vitest';
import { PASSKEYS_SCRIPT } from '../../src/features/pages/client/passkeys-script';
import { SoftAuthenticator } from '../support/authenticator';
import { BASE, call } from './helpers';
import { Browser, csrfOf, signedInBrowser } from './page-client';

async function addPasskey(token: string | undefined, name: string): Promise<string> {
  const options = await call('POST', '/v1/me/passkeys/options', { token });
  const response = await new SoftAuthenticator(new URL(BASE).origin).register(options.json);
  const added = await call('POST', '/v1/me/passkeys', { token, body: { response, name } });
  expect(added.status).toBe(201);
  return added.json.id;
}

describe('passkeys on the pages', () => {
  it('serves the bundled script from the service, as JavaScript', async () => {
    const res = await new Browser().request('/assets/passkeys.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.text).toBe(PASSKEYS_SCRIPT);
    expect(res.text).toContain('/v1/sign-in/passkey/options');
    expect(res.text).toContain('navigator.credentials');
    // A static asset of the Worker (not in its bundle), revalidated by its ETag.
    const etag = res.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const again = await new Browser().request('/assets/passkeys.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('offers a passkey on the sign-in page, hidden without the script, the other ways still there', async () => {
    const page = await new Browser().request('/login?next=%2Fsubscribe');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(page.text).toMatch(
      /<div data-passkeys[^>]* hidden[^>]*>\s*<button[^>]*id="passkey-sign-in"[^>]*data-next="\/subscribe"/,
    );
    expect(page.text).toContain('<script src="/assets/passkeys.js" defer');
    expect(page.text).toContain('action="/login"');
    expect(page.text).toContain('Email me a sign-in link instead');
    // Pages without passkey buttons run nothing.
    expect((await new Browser().request('/signup')).headers.get('content-security-policy')).not.toContain(
      'script-src',
    );
  });

  it('lists the passkeys on the account page and removes one with a plain form, only the reader’s own', async () => {
    const { browser } = await signedInBrowser();
    const empty = await browser.request('/account');
    expect(empty.text).toContain('You have no passkeys yet.');
    expect(empty.text).toMatch(/<div data-passkeys[^>]* hidden[^>]*>\s*<button[^>]*id="passkey-add"/);
    expect(empty.headers.get('content-security-policy')).toContain("script-src 'self'");

    const mine = await addPasskey(browser.session, 'Laptop key');
    const other = await signedInBrowser();
    const theirs = await addPasskey(other.browser.session, 'Their key');
    const page = await browser.request('/account');
    expect(page.text).toContain('<strong>Laptop key</strong>');
    expect(page.text).toContain('not used yet');
    expect(page.text).not.toContain('Their key');
    const csrf = csrfOf(page.text, '/account/passkeys/delete');

    expect((await browser.submit('/account/passkeys/delete', { passkey: mine })).status).toBe(403);
    const refused = await browser.submit('/account/passkeys/delete', { csrf, passkey: theirs });
    expect(refused.status).toBe(404);
    expect(refused.text).toContain('That passkey was already removed.');
    expect((await call('GET', '/v1/me/passkeys', { token: other.browser.session })).json.data).toHaveLength(
      1,
    );
    expect((await call('GET', '/v1/me/passkeys', { token: browser.session })).json.data).toHaveLength(1);

    const removed = await browser.submit('/account/passkeys/delete', { csrf, passkey: mine });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('The passkey is removed');
    expect(removed.text).toContain('You have no passkeys yet.');
    expect((await call('GET', '/v1/me/passkeys', { token: browser.session })).json.data).toEqual([]);
  });
});
