import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { hmacSha256 } from '../../src/lib/crypto';
import { adminKey, BASE, call, countRows, createPublisher, signUp, uniqueEmail } from './helpers';
import { Browser, csrfOf, signedInBrowser } from './page-client';

const ORIGIN = 'https://daily.example';
const ARTICLE_URL = `${ORIGIN}/2026/11/night-buses`;

async function sessionWorks(browser: Browser): Promise<boolean> {
  return (await call('GET', '/v1/me', { token: browser.session })).status === 200;
}

let publisherId: string;
beforeAll(async () => {
  publisherId = (await createPublisher('The Daily Example', [ORIGIN])).publisher.id;
});

describe('every page carries its security headers', () => {
  it('anonymous pages: CSP without framing or scripts, nosniff, no-store', async () => {
    const browser = new Browser();
    for (const path of [
      '/',
      '/signup',
      '/login',
      '/reset-password',
      `/reset-password?token=${'a'.repeat(43)}`,
      '/subscribe/cancel',
      `/access?publisher=${publisherId}&return_to=${encodeURIComponent(ARTICLE_URL)}`,
    ]) {
      const res = await browser.request(path);
      // An unknown reset token is told at once (400), still as a page with every header.
      expect(res.status, path).toBe(path.includes('token=') ? 400 : 200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]{43}='/);
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.text).toMatch(/^<!DOCTYPE html><html lang="en">/);
    }
  });

  it('personal pages (account, subscribe, checkout return) are no-store too', async () => {
    const { browser, email } = await signedInBrowser();
    for (const path of ['/account', '/subscribe', '/subscribe/success']) {
      const res = await browser.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    const account = await browser.request('/account');
    expect(account.text).toContain(email);
    expect(account.text).toContain('Free trial');
    expect(account.text).toContain('14 days');
  });

  it('the landing page says what OnePass is', async () => {
    const res = await new Browser().request('/');
    expect(res.text).toContain('All your news in one place.');
    expect(res.text).toContain('One membership.');
    expect(res.text).toContain('Start reading: 14 days free.');
  });
});

describe('sign-up and sign-in forms', () => {
  it('signs up through the form: session cookie set, back to a same-origin next', async () => {
    const browser = new Browser();
    const page = await browser.request('/signup?next=%2Fsubscribe');
    expect(browser.cookies.has('__Host-onepass_csrf')).toBe(true);
    const res = await browser.submit('/signup', {
      csrf: csrfOf(page.text, '/signup'),
      next: '/subscribe',
      email: uniqueEmail(),
      password: 'correct horse battery',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/subscribe');
    expect(await sessionWorks(browser)).toBe(true);
  });

  it('shows each error next to its field and keeps the email', async () => {
    const browser = new Browser();
    const page = await browser.request('/signup');
    const readers = await countRows('readers');
    const res = await browser.submit('/signup', {
      csrf: csrfOf(page.text, '/signup'),
      email: 'not-an-email',
      password: 'short',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Error: Start your 14-day free trial · OnePass</title>');
    expect(res.text).toMatch(/id="email-error"[^>]*>.*Enter an email address like name@example.com/s);
    expect(res.text).toMatch(
      /<input[^>]*id="email"[^>]*value="not-an-email"[^>]*aria-invalid="true"[^>]*aria-describedby="email-error"/,
    );
    expect(res.text).toMatch(/aria-describedby="password-hint password-error"/);
    expect(res.text).toContain('role="alert"');
    expect(res.text).not.toContain('value="short"');
    expect(await countRows('readers')).toBe(readers);
  });

  it('says when the email is taken, next to the email field', async () => {
    const { email } = await signUp();
    const browser = new Browser();
    const page = await browser.request('/signup');
    const res = await browser.submit('/signup', {
      csrf: csrfOf(page.text, '/signup'),
      email,
      password: 'another password',
    });
    expect(res.status).toBe(409);
    expect(res.text).toMatch(/id="email-error"[^>]*>.*An account with this email already exists/s);
  });

  it('signs in, and says the same thing for a wrong password as for an unknown email', async () => {
    const { email, password } = await signUp();
    const browser = new Browser();
    const page = await browser.request('/login');
    const csrf = csrfOf(page.text, '/login');
    const wrong = await browser.submit('/login', { csrf, email, password: 'not the password' });
    const unknown = await browser.submit('/login', { csrf, email: uniqueEmail('ghost'), password });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('The email or password is incorrect');
    expect(wrong.text).toContain(`value="${email}"`);
    const ok = await browser.submit('/login', { csrf, email, password });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/account');
  });

  it('never follows a next that leaves the site', async () => {
    const { email, password } = await signUp();
    for (const next of [
      '//evil.example/',
      'https://evil.example/',
      '/\\evil.example',
      '/.//evil.example/',
      '/..//evil.example/',
      'javascript:alert(1)',
      '/%0d%0aX',
    ]) {
      const browser = new Browser();
      const page = await browser.request('/login');
      const res = await browser.submit('/login', {
        csrf: csrfOf(page.text, '/login'),
        next,
        email,
        password,
      });
      expect(res.status).toBe(303);
      const location = res.headers.get('location') ?? '';
      expect(location === '/account' || location === '/%0d%0aX', `${next} → ${location}`).toBe(true);
    }
  });

  it('after sign-up from /access, continues through /access back to the article with a code', async () => {
    const browser = new Browser();
    const entry = await browser.request(
      `/access?publisher=${publisherId}&return_to=${encodeURIComponent(ARTICLE_URL)}`,
    );
    const next = (/name="next" value="([^"]+)"/.exec(entry.text)?.[1] ?? '').replace(/&amp;/g, '&');
    const signedUp = await browser.submit('/signup', {
      csrf: csrfOf(entry.text, '/signup'),
      next,
      email: uniqueEmail(),
      password: 'correct horse battery',
    });
    expect(signedUp.headers.get('location')).toBe(next);
    const back = await browser.request(next);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toMatch(
      /^https:\/\/daily\.example\/2026\/11\/night-buses\?paywall_code=/,
    );
  });
});

describe('CSRF: a form that fails the checks is refused (403) and changes nothing', () => {
  it('refuses sign-up without a token, with a foreign Origin, or with neither Origin nor Referer', async () => {
    const browser = new Browser();
    const page = await browser.request('/signup');
    const csrf = csrfOf(page.text, '/signup');
    const readers = await countRows('readers');
    const form = { email: uniqueEmail(), password: 'correct horse battery' };
    const attempts = [
      await browser.submit('/signup', form),
      await browser.submit('/signup', { ...form, csrf: 'forged' }),
      await browser.submit('/signup', { ...form, csrf }, { origin: 'https://evil.example' }),
      await browser.submit('/signup', { ...form, csrf }, { referer: 'https://evil.example/page' }),
      await browser.submit('/signup', { ...form, csrf }, {}),
      await browser.submit('/signup', { ...form, csrf }, { origin: 'null' }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toContain('Nothing was changed');
      expect(res.headers.get('set-cookie') ?? '').not.toContain('onepass_session');
    }
    expect(await countRows('readers')).toBe(readers);
    // A same-origin Referer stands in for a missing Origin.
    const viaReferer = await browser.submit('/signup', { ...form, csrf }, { referer: `${BASE}/signup` });
    expect(viaReferer.status).toBe(303);
  });

  it('refuses an oversized form with a page (413) before reading it', async () => {
    const browser = new Browser();
    const page = await browser.request('/signup');
    const res = await browser.submit('/signup', {
      csrf: csrfOf(page.text, '/signup'),
      email: uniqueEmail(),
      password: 'x'.repeat(20_000),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('This form is too large');
  });

  it('refuses a token from another browser (its CSRF cookie) or another form', async () => {
    const alice = new Browser();
    const mallory = new Browser();
    const alicePage = await alice.request('/login');
    await mallory.request('/login');
    const { email, password } = await signUp();
    const stolen = await mallory.submit('/login', {
      csrf: csrfOf(alicePage.text, '/login'),
      email,
      password,
    });
    expect(stolen.status).toBe(403);
    const signupPage = await alice.request('/signup');
    const wrongForm = await alice.submit('/login', {
      csrf: csrfOf(signupPage.text, '/signup'),
      email,
      password,
    });
    expect(wrongForm.status).toBe(403);
  });

  it('refuses sign-out from another site, without a token, or with another session’s token', async () => {
    const { browser } = await signedInBrowser();
    const other = await signedInBrowser();
    const account = await browser.request('/account');
    const csrf = csrfOf(account.text, '/logout');
    const otherCsrf = csrfOf((await other.browser.request('/account')).text, '/logout');
    expect((await browser.submit('/logout', { csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await browser.submit('/logout', {})).status).toBe(403);
    expect((await browser.submit('/logout', { csrf: otherCsrf })).status).toBe(403);
    expect(await sessionWorks(browser)).toBe(true);

    const session = browser.session;
    const out = await browser.submit('/logout', { csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/');
    expect(browser.session).toBeUndefined();
    expect((await call('GET', '/v1/me', { token: session })).status).toBe(401);
  });

  it('refuses subscribe and billing-portal forms from another site: no checkout starts', async () => {
    const { browser } = await signedInBrowser();
    const page = await browser.request('/subscribe');
    const csrf = csrfOf(page.text, '/subscribe');
    const foreign = await browser.submit(
      '/subscribe',
      { csrf, plan: 'monthly' },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('location')).toBeNull();
    const noToken = await browser.submit('/subscribe', { plan: 'monthly' });
    expect(noToken.status).toBe(403);
    const portal = await browser.submit(
      '/account/billing-portal',
      { csrf },
      { origin: 'https://evil.example' },
    );
    expect(portal.status).toBe(403);
  });
});

describe('account, subscribe and the checkout return pages', () => {
  it('sends a signed-out reader to sign in first, and back afterwards', async () => {
    const browser = new Browser();
    for (const path of ['/account', '/subscribe']) {
      const res = await browser.request(path);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('starts Checkout from the subscribe form and comes back through /access afterwards', async () => {
    const { browser } = await signedInBrowser();
    const next = `/access?publisher=${publisherId}&return_to=${encodeURIComponent(ARTICLE_URL)}`;
    const page = await browser.request(`/subscribe?next=${encodeURIComponent(next)}`);
    const emulator = new URL(inject('stripeEmulatorUrl')).origin;
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${emulator}`);
    expect(page.text).toContain('the first payment is taken when it ends');
    const invalid = await browser.submit('/subscribe', {
      csrf: csrfOf(page.text, '/subscribe'),
      plan: 'weekly',
      next,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('Choose a plan');
    const res = await browser.submit('/subscribe', {
      csrf: csrfOf(page.text, '/subscribe'),
      plan: 'annual',
      next,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`^${emulator}/checkout/cs_`));
  });

  it('after checkout, sends an entitled reader on through /access; without next, thanks them', async () => {
    const { browser } = await signedInBrowser();
    const next = `/access?publisher=${publisherId}&return_to=${encodeURIComponent(ARTICLE_URL)}`;
    const back = await browser.request(`/subscribe/success?next=${encodeURIComponent(next)}`);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(next);
    const plain = await browser.request('/subscribe/success');
    expect(plain.status).toBe(200);
    expect(plain.text).toContain('Thank you for subscribing');
    const offsite = await browser.request('/subscribe/success?next=https%3A%2F%2Fevil.example%2F');
    expect(offsite.status).toBe(200);
    expect(offsite.headers.get('location')).toBeNull();
  });

  it('offers the way back to the article from the cancel page, without a subscribe page on the way', async () => {
    const next = `/access?publisher=${publisherId}&return_to=${encodeURIComponent(ARTICLE_URL)}`;
    const res = await new Browser().request(`/subscribe/cancel?next=${encodeURIComponent(next)}`);
    expect(res.text).toContain('Back to The Daily Example');
    expect(res.text).toContain(`href="${next.replace(/&/g, '&amp;')}&amp;prompt=none"`);
  });

  it('shows an ended trial on the account page with a way to subscribe', async () => {
    const { browser, readerId } = await signedInBrowser();
    await call('POST', `/v1/admin/members/${readerId}/trial`, {
      token: adminKey(),
      body: { ends_at: new Date(Date.now() - 1000).toISOString() },
    });
    const res = await browser.request('/account');
    expect(res.text).toContain('Free trial ended');
    expect(res.text).toContain('href="/subscribe"');
    expect(res.text).not.toContain('Manage billing');
  });
});

describe('password reset pages', () => {
  async function mailedToken(email: string): Promise<string> {
    const row = await env.DB.prepare(
      "SELECT payload FROM outbox WHERE template = 'password_reset' AND to_address = ? ORDER BY created_at DESC",
    )
      .bind(email)
      .first<{ payload: string }>();
    const ref = JSON.parse(row?.payload ?? '{}').reset_ref as string;
    return hmacSha256(env.PAIRWISE_SECRET, `password-reset:v1:${ref}`);
  }

  it('mails a link, answers the same for an unknown address, and sets the new password with it', async () => {
    const { email, token: oldSession } = await signUp();
    const browser = new Browser();
    const page = await browser.request('/reset-password');
    expect(page.text).toContain('action="/reset-password"');
    const csrf = csrfOf(page.text, '/reset-password');
    expect((await browser.submit('/reset-password', { email })).status).toBe(403);
    const known = await browser.submit('/reset-password', { csrf, email });
    const unknown = await browser.submit('/reset-password', { csrf, email: uniqueEmail('ghost') });
    expect(known.status).toBe(200);
    expect(known.text).toContain('Check your email');
    expect(unknown.text.replace(/req_[a-z2-7]+/g, '')).toBe(known.text.replace(/req_[a-z2-7]+/g, ''));

    const link = await mailedToken(email);
    const form = await browser.request(`/reset-password?token=${link}`);
    expect(form.text).toContain('Choose a new password');
    const confirmCsrf = csrfOf(form.text, '/reset-password/confirm');
    const short = await browser.submit('/reset-password/confirm', {
      csrf: confirmCsrf,
      token: link,
      password: 'short',
    });
    expect(short.status).toBe(400);
    expect(short.text).toMatch(/id="password-error"[^>]*>.*at least 8 characters/s);
    const done = await browser.submit('/reset-password/confirm', {
      csrf: confirmCsrf,
      token: link,
      password: 'a brand new passphrase',
    });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your password has changed');
    expect((await call('GET', '/v1/me', { token: oldSession })).status).toBe(401);
    const signIn = await call('POST', '/v1/sessions', {
      body: { email, password: 'a brand new passphrase' },
    });
    expect(signIn.status).toBe(200);

    const again = await browser.submit('/reset-password/confirm', {
      csrf: confirmCsrf,
      token: link,
      password: 'yet another passphrase',
    });
    expect(again.status).toBe(400);
    expect(again.text).toContain('invalid, expired or already used');
    expect(again.text).toContain('href="/reset-password"');

    // Opened again, the spent link says so at once, with no password form to fill in for nothing.
    const reopened = await browser.request(`/reset-password?token=${link}`);
    expect(reopened.status).toBe(400);
    expect(reopened.text).toContain('invalid, expired or already used');
    expect(reopened.text).not.toContain('action="/reset-password/confirm"');
  });
});

describe('signing out from a publisher site', () => {
  it('asks to confirm, then sends the reader back to the article (only to its registered origins)', async () => {
    const { browser } = await signedInBrowser();
    const query = `publisher=${publisherId}&return_to=${encodeURIComponent(ARTICLE_URL)}`;
    const page = await browser.request(`/logout?${query}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sign out of OnePass?');
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${ORIGIN}`);
    const out = await browser.submit('/logout', {
      csrf: csrfOf(page.text, '/logout'),
      publisher: publisherId,
      return_to: ARTICLE_URL,
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(ARTICLE_URL);
    expect(browser.session).toBeUndefined();

    const bad = await browser.request(
      `/logout?publisher=${publisherId}&return_to=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
  });
});
