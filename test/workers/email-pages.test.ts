/**
 * Sign-in by mail through the pages, in workerd on D1: the form, the code page, the mailed link's
 * page that signs in only on its button (a POST, so mail scanners sign nobody in), a spent link
 * told at once, CSRF refusals, and the development inbox that shows the mail.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { linkIn, mailedCode, mailTo } from '../support/door';
import { workersDoor } from '../support/workers-door';
import { call, signUp, uniqueEmail } from './helpers';
import { Browser, csrfOf } from './page-client';

async function askByPage(browser: Browser, email: string, next?: string) {
  const page = await browser.request(
    next ? `/sign-in/email?next=${encodeURIComponent(next)}` : '/sign-in/email',
  );
  expect(page.status).toBe(200);
  const form: Record<string, string> = { csrf: csrfOf(page.text, '/sign-in/email'), email };
  if (next) form.next = next;
  return browser.submit('/sign-in/email', form);
}

describe('sign-in by mail, on the pages', () => {
  it('the code page signs an existing reader in, and the sign-in page links to it', async () => {
    const { email, reader } = await signUp();
    const browser = new Browser();
    expect((await browser.request('/login')).text).toContain('href="/sign-in/email"');
    const sent = await askByPage(browser, email, '/account');
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Check your email');
    const code = await mailedCode(workersDoor, email);

    const wrong = await browser.submit('/sign-in/email/code', {
      csrf: csrfOf(sent.text, '/sign-in/email/code'),
      email,
      code: code === '000000' ? '111111' : '000000',
      next: '/account',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('This code is wrong, expired or already used');
    expect(browser.session).toBeUndefined();

    const right = await browser.submit('/sign-in/email/code', {
      csrf: csrfOf(wrong.text, '/sign-in/email/code'),
      email,
      code,
      next: '/account',
    });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/account');
    const me = await call('GET', '/v1/me', { token: browser.session });
    expect(me.json.reader.id).toBe(reader.id);
  });

  it('opening the link signs nobody in; its button does, once; a spent link says so before any click', async () => {
    const email = uniqueEmail('linkpage');
    const browser = new Browser();
    await askByPage(browser, email);
    const link = linkIn(
      await mailTo(workersDoor, email, 'sign_in'),
      'http://127.0.0.1:8787',
      '/sign-in/email/confirm',
    );
    const target = `${link.pathname}${link.search}`;

    const scanner = new Browser();
    const opened = await scanner.request(target);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('Continue');
    expect(scanner.session).toBeUndefined();

    const page = await browser.request(target);
    const token = link.searchParams.get('token') ?? '';
    expect((await browser.submit('/sign-in/email/confirm', { token })).status).toBe(403);
    const done = await browser.submit('/sign-in/email/confirm', {
      csrf: csrfOf(page.text, '/sign-in/email/confirm'),
      token,
    });
    expect(done.status).toBe(303);
    const me = await call('GET', '/v1/me', { token: browser.session });
    expect(me.json.membership.status).toBe('trialing');
    expect(me.json.reader.email_verified_at).not.toBeNull();

    const spent = await new Browser().request(target);
    expect(spent.status).toBe(400);
    expect(spent.text).toContain('wrong, expired or already used');
    expect(spent.text).not.toContain('action="/sign-in/email/confirm"');
  });

  it('refuses a form without its CSRF token and mails nothing', async () => {
    const email = uniqueEmail('nocsrf');
    const refused = await new Browser().submit('/sign-in/email', { email });
    expect(refused.status).toBe(403);
    await expect(mailTo(workersDoor, email)).rejects.toThrow(/no mail/);
  });

  it('the development inbox shows the mail with its link clickable', async () => {
    const email = uniqueEmail('inbox');
    await askByPage(new Browser(), email);
    const mail = await mailTo(workersDoor, email, 'sign_in');
    const inbox = await new Browser().request('/dev/inbox');
    expect(inbox.status, inbox.text.slice(0, 2000)).toBe(200);
    expect(inbox.headers.get('cache-control')).toContain('no-store');
    expect(inbox.text).toContain(mail.subject);
    const link = linkIn(mail, 'http://127.0.0.1:8787', '/sign-in/email/confirm');
    expect(inbox.text).toContain(`<a href="${link.href.replace(/&/g, '&amp;')}">`);
  });

  it('shows a mail’s HTML part as a mail client gets it, under a CSP that runs and loads nothing', async () => {
    const email = uniqueEmail('inbox-html');
    await askByPage(new Browser(), email);
    const mail = await mailTo(workersDoor, email, 'sign_in');
    const [row] = await workersDoor.query<{ id: string }>(
      sql`select id from outbox where to_address = ${email}`,
    );
    const inbox = await new Browser().request('/dev/inbox');
    expect(inbox.text).toContain(`href="/dev/inbox/${row?.id}/html"`);
    const html = await new Browser().request(`/dev/inbox/${row?.id}/html`);
    expect(html.status).toBe(200);
    expect(html.text).toBe(mail.html);
    expect(html.text).toContain(mail.subject.slice(0, 6));
    expect(html.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect((await new Browser().request('/dev/inbox/mail_nosuchmail/html')).status).toBe(404);
  });
});
