/**
 * The account page's address section, in workerd on D1: confirming the address with a mailed code
 * (the day-one rule's way back), and changing it by a code on the page or by the mailed link's
 * page, whose button confirms (a GET changes nothing). Every form is behind its CSRF token.
 */
import { describe, expect, it } from 'vitest';
import { linkIn, mailTo } from '../support/door';
import { workersDoor } from '../support/workers-door';
import { call, uniqueEmail } from './helpers';
import { Browser, csrfOf, signedInBrowser } from './page-client';

const subjectCode = async (to: string, template: string) =>
  (await mailTo(workersDoor, to, template)).subject.slice(0, 6);

describe('the address section', () => {
  it('confirms the address with a mailed code', async () => {
    const { browser, email } = await signedInBrowser();
    const page = await browser.request('/account');
    expect(page.text).toContain('not confirmed yet');
    expect(page.text).toMatch(/Confirm it to keep your free trial after \d/);
    expect((await browser.submit('/account/email/verify', {})).status).toBe(403);
    const sent = await browser.submit('/account/email/verify', {
      csrf: csrfOf(page.text, '/account/email/verify'),
    });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain(`We mailed a link and a code to ${email}`);
    const csrf = csrfOf(sent.text, '/account/email/verify/confirm');
    const code = await subjectCode(email, 'verify_email');
    const wrong = await browser.submit('/account/email/verify/confirm', {
      csrf,
      verify_code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That code is wrong, expired or already used');
    const ok = await browser.submit('/account/email/verify/confirm', { csrf, verify_code: ` ${code} ` });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Your address is confirmed');
    expect(ok.text).toContain('· confirmed');
    expect((await call('GET', '/v1/me', { token: browser.session })).json.email_verification.verified).toBe(
      true,
    );
  });

  it('changes the address with the code shown on the account page', async () => {
    const { browser, email } = await signedInBrowser();
    const page = await browser.request('/account');
    const next = uniqueEmail('page-move');
    const bad = await browser.submit('/account/email', {
      csrf: csrfOf(page.text, '/account/email'),
      new_email: 'nope',
    });
    expect(bad.status).toBe(400);
    const asked = await browser.submit('/account/email', {
      csrf: csrfOf(page.text, '/account/email'),
      new_email: next,
    });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain(`We mailed a link and a code to <strong>${next}</strong>`);
    const code = await subjectCode(next, 'email_change');
    const done = await browser.submit('/account/email/confirm', {
      csrf: csrfOf(asked.text, '/account/email/confirm'),
      change_code: code,
    });
    expect(done.status).toBe(200);
    expect(done.text).toContain(`Your OnePass account now uses ${next}`);
    expect((await call('GET', '/v1/me', { token: browser.session })).json.reader.email).toBe(next);
    expect((await mailTo(workersDoor, email, 'email_changed')).text).toContain(next);
  });

  it('changes the address from the mailed link, in another browser, only on its button', async () => {
    const { browser } = await signedInBrowser();
    const page = await browser.request('/account');
    const next = uniqueEmail('link-move');
    await browser.submit('/account/email', { csrf: csrfOf(page.text, '/account/email'), new_email: next });
    const link = linkIn(
      await mailTo(workersDoor, next, 'email_change'),
      workersDoor.base,
      '/account/email/confirm',
    );
    const elsewhere = new Browser();
    const opened = await elsewhere.request(`${link.pathname}${link.search}`);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain(`Move your OnePass account to <strong>${next}</strong>?`);
    // Opening the link changed nothing.
    expect((await call('GET', '/v1/me', { token: browser.session })).json.reader.email).not.toBe(next);
    const csrf = csrfOf(opened.text, '/account/email/confirm-link');
    const token = link.searchParams.get('token') ?? '';
    expect((await elsewhere.submit('/account/email/confirm-link', { token })).status).toBe(403);
    const done = await elsewhere.submit('/account/email/confirm-link', { csrf, token });
    expect(done.status).toBe(200);
    expect(done.text).toContain(`now uses ${next}`);
    expect((await call('GET', '/v1/me', { token: browser.session })).json.reader.email).toBe(next);
    const spent = await elsewhere.request(`${link.pathname}${link.search}`);
    expect(spent.status).toBe(400);
    expect(spent.text).toContain('This link is expired or was already used');
  });
});
