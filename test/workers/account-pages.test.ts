/**
 * The account page's devices and password, in workerd on D1: the signed-in devices listed, signing
 * out everywhere else, and a password change through the form, each behind its CSRF token.
 */
import { describe, expect, it } from 'vitest';
import { call, createPublisher } from './helpers';
import { Browser, csrfOf, signedInBrowser } from './page-client';

describe('the account page', () => {
  it('lists the signed-in devices and signs out everywhere else', async () => {
    const { browser, email } = await signedInBrowser();
    const phone = await call('POST', '/v1/sessions', {
      body: { email, password: 'correct horse battery' },
      headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1' },
    });
    const page = await browser.request('/account');
    expect(page.text).toContain('Signed-in devices');
    expect(page.text).toContain('Safari on iOS');
    expect(page.text).toContain('this device');

    expect((await browser.submit('/account/sessions', {})).status).toBe(403);
    expect((await call('GET', '/v1/me', { token: phone.json.session_token })).status).toBe(200);
    const done = await browser.submit('/account/sessions', { csrf: csrfOf(page.text, '/account/sessions') });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Signed out on 1 other device.');
    expect((await call('GET', '/v1/me', { token: phone.json.session_token })).status).toBe(401);
    expect((await call('GET', '/v1/me', { token: browser.session })).status).toBe(200);
  });

  it('changes the password through the form: a wrong current one is said beside its field', async () => {
    const { browser, email } = await signedInBrowser();
    const page = await browser.request('/account');
    const csrf = csrfOf(page.text, '/account/password');
    const wrong = await browser.submit('/account/password', {
      csrf,
      current_password: 'not it at all',
      new_password: 'a fresh pass phrase',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toMatch(/id="current_password-error"[^>]*>.*The current password is incorrect/s);
    const short = await browser.submit('/account/password', {
      csrf,
      current_password: 'x',
      new_password: 'short',
    });
    expect(short.status).toBe(400);
    const right = await browser.submit('/account/password', {
      csrf,
      current_password: 'correct horse battery',
      new_password: 'a fresh pass phrase',
    });
    expect(right.status).toBe(200);
    expect(right.text).toContain('Your password has changed');
    const signIn = await call('POST', '/v1/sessions', { body: { email, password: 'a fresh pass phrase' } });
    expect(signIn.status).toBe(200);
    const old = await call('POST', '/v1/sessions', { body: { email, password: 'correct horse battery' } });
    expect(old.status).toBe(401);
  });

  it('shows Your reading: the latest reads with their links, and the whole history a page at a time', async () => {
    const { browser } = await signedInBrowser();
    expect((await browser.request('/account')).text).toContain(
      'Nothing yet: articles you read on member sites appear here.',
    );
    const { publisher, api_key } = await createPublisher('Reading Gazette', ['https://reading.example']);
    for (let n = 0; n < 6; n++) {
      const issued = await call('POST', '/v1/me/entitlement-token', {
        token: browser.session,
        body: { publisher: publisher.id, article: `piece-${n}` },
      });
      const read = await call('POST', '/v1/reads', {
        token: api_key,
        body: {
          token: issued.json.token,
          article: { id: `piece-${n}`, title: `Piece <${n}>`, url: `https://reading.example/${n}` },
        },
      });
      expect(read.status).toBe(202);
    }
    const account = await browser.request('/account');
    expect(account.text).toContain('Your reading');
    expect(account.text).toContain(
      '<a href="https://reading.example/5">Piece &lt;5&gt;</a> · Reading Gazette',
    );
    expect(account.text).not.toContain('Piece &lt;0&gt;');
    expect(account.text).toContain('href="/account/reading"');
    const all = await browser.request('/account/reading');
    expect(all.status).toBe(200);
    expect(all.text).toContain('Piece &lt;0&gt;');
    expect((await new Browser().request('/account/reading')).status).toBe(303);
  });

  it('downloads the data, and deletes the account with the password from the form', async () => {
    const { browser, email } = await signedInBrowser();
    const download = await browser.request('/account/export');
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const exported = JSON.parse(download.text);
    expect(exported.format).toBe('onepass-export/1');
    expect(exported.tables.readers[0].email).toBe(email);
    const page = await browser.request('/account');
    const csrf = csrfOf(page.text, '/account/delete');
    expect(
      (await browser.submit('/account/delete', { delete_password: 'correct horse battery' })).status,
    ).toBe(403);
    const wrong = await browser.submit('/account/delete', { csrf, delete_password: 'not the one' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toMatch(/id="delete_password-error"[^>]*>.*The password is incorrect/s);
    const done = await browser.submit('/account/delete', { csrf, delete_password: 'correct horse battery' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your account is deleted');
    expect(browser.session).toBeUndefined();
    const signIn = await call('POST', '/v1/sessions', { body: { email, password: 'correct horse battery' } });
    expect(signIn.status).toBe(401);
  });
});
