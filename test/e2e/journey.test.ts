/**
 * @module The reader's journey in a real browser: from a publisher's article to full text, through
 * sign-up, sign-out, sign-in, the end of the trial and Stripe Checkout (emulated), with every
 * page checked by axe-core and a screenshot of each step in test/e2e/screenshots/.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_COUPON } from '../../scripts/stripe-setup';
import { EMULATOR_SECRET_KEY } from '../../tools/stripe-emulator/constants';
import { chromiumPath, launch, screenshot, seriousViolations, watchConsole } from './browser';
import { type Stack, startStack } from './stack';

const executable = chromiumPath();
// CI installs chromium (.ci/run); elsewhere a machine without it skips this suite, saying so.
const runnable = executable !== null || process.env.CI === 'true';
if (!runnable) console.warn('e2e: no chromium found (set CHROMIUM_PATH); the browser journey is skipped.');

const ARTICLE = '/articles/night-buses-approved';
const EMAIL = `reader.${Date.now().toString(36)}@example.com`;
const PASSWORD = 'a long pass phrase';

describe.runIf(runnable)("the reader's journey in a browser", () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleMessages: string[];

  beforeAll(async () => {
    // The retention offer of the portal's cancellation flow, as `npm run stripe:setup` makes it.
    stack = await startStack({ STRIPE_RETENTION_COUPON: RETENTION_COUPON });
    await new Stripe(EMULATOR_SECRET_KEY, {
      httpClient: Stripe.createFetchHttpClient(),
      host: '127.0.0.1',
      port: Number(new URL(stack.emulator.url).port),
      protocol: 'http',
    }).coupons.create({
      id: RETENTION_COUPON,
      percent_off: 25,
      duration: 'repeating',
      duration_in_months: 3,
    });
    browser = await launch(executable ?? '/usr/bin/chromium');
    context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    page = await context.newPage();
    consoleMessages = watchConsole(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  /** A screenshot, and no serious or critical accessibility violation on the page. */
  async function step(name: string): Promise<void> {
    await screenshot(page, name);
    expect(await seriousViolations(page), `axe on ${page.url()}`).toEqual([]);
  }

  const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
  const visible = (locator: Locator) => locator.waitFor({ state: 'visible' });

  const articleUrl = () => `${stack.publisherUrl}${ARTICLE}`;
  const fullText = () => page.locator('.paywalled-content');
  const paywall = () => page.locator('aside.paywall');

  it('has checks that can fail: axe reports an unlabelled field', async () => {
    const probe = await context.newPage();
    await probe.setContent('<!DOCTYPE html><html lang="en"><title>probe</title><main><input></main></html>');
    expect((await seriousViolations(probe)).map((v) => v.id)).toContain('label');
    await probe.close();
  });

  it('shows a new reader the first paragraphs and the free-trial box', async () => {
    await page.goto(stack.publisherUrl);
    await step('publisher-front-page');
    await page.getByRole('link', { name: /all-night buses/ }).click();
    await page.waitForURL(articleUrl());
    expect(await text(paywall().getByRole('heading'))).toBe(
      'Sign up to read this article. Fourteen days free.',
    );
    expect(await fullText().count()).toBe(0);
    const data = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? '{}');
    expect(data).toMatchObject({
      '@type': 'NewsArticle',
      isAccessibleForFree: false,
      hasPart: { '@type': 'WebPageElement', isAccessibleForFree: false, cssSelector: '.paywalled-content' },
    });
    await step('article-teaser');
  });

  it('signs up from the article and lands back on it with the full text', async () => {
    await paywall().getByRole('link', { name: 'Start your free trial' }).click();
    await page.waitForURL(`${stack.serviceUrl}/access?**`);
    expect(await text(page.locator('.from'))).toContain('The Daily Example');
    await step('access-signup');

    // Errors sit next to their fields, and the email stays filled in.
    await page.getByLabel('Email address').fill('not-an-email');
    await page.getByLabel('Choose a password').fill('short');
    await page.getByRole('button', { name: 'Start free trial' }).click();
    expect(await text(page.getByRole('alert'))).toContain('There is a problem');
    const email = page.getByLabel('Email address');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.inputValue()).toBe('not-an-email');
    expect(await text(page.locator('#email-error'))).toContain(
      'Enter an email address like name@example.com',
    );
    expect(await text(page.locator('#password-error'))).toContain('at least 8 characters');
    await step('signup-errors');

    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Start free trial' }).click();
    await page.waitForURL(articleUrl());
    await visible(fullText());
    expect(await paywall().count()).toBe(0);
    await step('article-full-text-trial');
  });

  it('shows the teaser again after signing out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${stack.serviceUrl}/logout?**`);
    await step('onepass-sign-out');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(articleUrl());
    await visible(paywall());
    expect(await fullText().count()).toBe(0);
    await step('article-after-sign-out');
  });

  it('signs in again from the paywall box', async () => {
    await paywall().getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.serviceUrl}/access?**`);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await text(page.locator('#password-error'))).toContain('The email or password is incorrect');
    expect(await page.getByLabel('Email address').inputValue()).toBe(EMAIL);
    await step('signin-error');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(articleUrl());
    await visible(fullText());
  });

  it('offers Subscribe once an admin has ended the trial and the token has expired', async () => {
    const readerId = await stack.readerIdByEmail(EMAIL);
    const ended = await fetch(`${stack.serviceUrl}/v1/admin/members/${readerId}/trial`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ends_at: new Date(Date.now() - 60_000).toISOString() }),
    });
    expect(ended.status).toBe(200);
    // The publisher's clock moves past the token's lifetime (600 s): the site asks OnePass
    // again without a page (prompt=none) and learns the reader is no longer entitled.
    stack.setPublisherClockOffset(11 * 60_000);
    await page.reload();
    await page.waitForURL(articleUrl());
    expect(await text(paywall().getByRole('heading'))).toBe('Subscribe to keep reading');
    await step('article-subscribe-offer');
    stack.setPublisherClockOffset(0);
  });

  it('subscribes through Checkout: a declined card says so, a good one brings back the full text', async () => {
    await paywall().getByRole('link', { name: 'Subscribe' }).click();
    await page.waitForURL(`${stack.serviceUrl}/access?**`);
    expect(await text(page.getByRole('heading', { level: 1 }))).toBe('Subscribe to OnePass');
    expect(await text(page.locator('.lead'))).toContain('free trial has ended');
    await step('access-subscribe');
    await page.getByLabel(/Annual/).check();
    await page.getByLabel(/Monthly/).check();
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL(`${stack.emulator.url}/checkout/**`);

    const pay = async (card: string) => {
      await page.getByLabel('Card number').fill(card);
      await page.getByLabel('Expiry date (MM / YY)').fill('12 / 34');
      await page.getByLabel('Security code (CVC)').fill('123');
      await page.getByLabel('Name on card').fill('Ada Reader');
      await page.getByRole('button', { name: /subscribe|start trial/i }).click();
    };
    await pay('4000 0000 0000 0341');
    expect(await text(page.getByRole('alert'))).toContain('Your card was declined.');
    await screenshot(page, 'checkout-declined');

    await pay('4242 4242 4242 4242');
    // The success page waits for Stripe's webhook, then goes through /access back to the article.
    await page.waitForURL(articleUrl(), { timeout: 30_000 });
    await visible(fullText());
    await step('article-full-text-paid');
  });

  it('shows the membership on the account page and opens the billing portal', async () => {
    await page.goto(`${stack.serviceUrl}/account`);
    expect(await text(page.locator('dl.status'))).toContain('Member, monthly plan');
    await step('account');
    await page.getByRole('button', { name: 'Manage billing' }).click();
    await page.waitForURL(`${stack.emulator.url}/portal/**`);
    await screenshot(page, 'billing-portal');
  });

  /** The newest mail to the reader whose subject matches, opened as HTML from the dev inbox. */
  async function mailAsHtml(subject: RegExp, expected: string, name: string) {
    const inbox = await context.newPage();
    for (let i = 0; i < 100; i++) {
      await inbox.goto(`${stack.serviceUrl}/dev/inbox`);
      if (
        (await inbox
          .locator('article.mail', { hasText: `To ${EMAIL}` })
          .filter({ hasText: subject })
          .count()) > 0
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const mail = inbox
      .locator('article.mail', { hasText: `To ${EMAIL}` })
      .filter({ hasText: subject })
      .first();
    await mail.getByRole('link', { name: 'as HTML' }).click();
    await inbox.getByText(expected).first().waitFor();
    await screenshot(inbox, name);
    await inbox.close();
  }

  it('mails a receipt; "Cancel subscription" offers a coupon to stay, then cancels at period end', async () => {
    await mailAsHtml(/Your OnePass receipt/, 'Thank you: we received', 'mail-receipt');
    await page.goto(`${stack.serviceUrl}/account`);
    await page.getByRole('button', { name: 'Cancel subscription' }).click();
    await page.waitForURL(`${stack.emulator.url}/portal/**`);
    expect(await text(page.getByRole('heading', { level: 2 }))).toBe('Before you go: 25% off for 3 months');
    await screenshot(page, 'portal-cancel-flow');
    await page.getByRole('button', { name: 'Cancel subscription' }).click();
    // Back on the account page; Stripe's webhook then says when access ends.
    await page.waitForURL(`${stack.serviceUrl}/account`);
    for (let i = 0; i < 50 && !(await page.getByText('Membership ending').count()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await page.reload();
    }
    expect(await text(page.locator('dl.status'))).toMatch(/Membership ending, monthly planAccess until/);
    expect(await page.getByRole('button', { name: 'Cancel subscription' }).count()).toBe(0);
    await step('account-cancelled');
    await mailAsHtml(
      /Your OnePass membership is cancelled/,
      'Your membership is cancelled',
      'mail-cancellation',
    );
  });

  it('keeps every other page accessible and readable at 320 px', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    for (const [name, path] of [
      ['landing', '/'],
      ['subscribe', '/subscribe'],
      ['reset-password', '/reset-password'],
      ['account-narrow', '/account'],
    ] as const) {
      await page.goto(`${stack.serviceUrl}${path}`);
      const overflow = Number(
        await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
      );
      expect(overflow, `${path} scrolls sideways at 320 px`).toBeLessThanOrEqual(0);
      await step(name);
    }
    const signedOut = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const fresh = await signedOut.newPage();
    const previous = page;
    page = fresh;
    for (const [name, path] of [
      ['signup', '/signup'],
      ['login', '/login'],
      ['reset-confirm', `/reset-password?token=${'a'.repeat(43)}`],
      [
        'access-invalid',
        `/access?publisher=pub_aaaaaaaaaaaaaaaaaaaa&return_to=${encodeURIComponent('https://evil.example/')}`,
      ],
    ] as const) {
      await page.goto(`${stack.serviceUrl}${path}`);
      await step(name);
    }
    page = previous;
    await signedOut.close();
  });

  it('never tripped the Content-Security-Policy', () => {
    expect(consoleMessages.filter((m) => /Content Security Policy|Refused to|violates/i.test(m))).toEqual([]);
  });
});
