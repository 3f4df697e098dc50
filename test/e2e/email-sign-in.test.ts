/**
 * @module Sign-up and sign-in by mail in a real browser: from a publisher's paywall to the full text
 * with a code read from the development inbox, then sign-in by the mailed link (opened, then
 * confirmed with a click); every page checked by axe-core, with screenshots in test/e2e/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launch, screenshot, seriousViolations, watchConsole } from './browser';
import { type Stack, startStack } from './stack';

const executable = chromiumPath();
const runnable = executable !== null || process.env.CI === 'true';

const ARTICLE = '/articles/night-buses-approved';
const EMAIL = `mail.${Date.now().toString(36)}@example.com`;

describe.runIf(runnable)('sign-in by mail in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launch(executable ?? '/usr/bin/chromium');
    context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    page = await context.newPage();
    watchConsole(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  async function step(on: Page, name: string): Promise<void> {
    await screenshot(on, name);
    expect(await seriousViolations(on), `axe on ${on.url()}`).toEqual([]);
  }

  /** The newest mail to `to` in the development inbox, as the page shows it. */
  /** The newest mail to `to` with a subject like `subject`: other mails (the welcome) may come after it. */
  async function inboxMail(on: Page, to: string, subject: RegExp) {
    await on.goto(`${stack.serviceUrl}/dev/inbox`);
    const mail = on
      .locator('article.mail', { hasText: `To ${to}` })
      .filter({ hasText: subject })
      .first();
    await mail.waitFor();
    return mail;
  }

  it('signs up from the paywall with a mailed code, without a password, and lands on the full text', async () => {
    await page.goto(`${stack.publisherUrl}${ARTICLE}`);
    await page.locator('aside.paywall').getByRole('link', { name: 'Start your free trial' }).click();
    await page.getByRole('link', { name: 'Sign up with a mailed link' }).click();
    await step(page, 'email-sign-in');
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByRole('button', { name: 'Email me a link and code' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await step(page, 'email-code');

    const inbox = await context.newPage();
    const mail = await inboxMail(inbox, EMAIL, /sign-up code/);
    await step(inbox, 'dev-inbox');
    const subject = (await mail.getByRole('heading').textContent()) ?? '';
    expect(subject).toMatch(/^\d{6} is your OnePass sign-up code$/);
    await inbox.close();

    await page.getByLabel('6-digit code').fill(subject.slice(0, 6));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${stack.publisherUrl}${ARTICLE}*`);
    await page.locator('.paywalled-content').waitFor();
    const id = await stack.readerIdByEmail(EMAIL);
    expect(id).toMatch(/^rdr_/);
    // The demo publisher reported the read it showed: it is in the reader's own history.
    const session = (await context.cookies(stack.serviceUrl)).find((c) => c.name.endsWith('onepass_session'));
    let reads: { article: { id: string; title: string } }[] = [];
    for (let i = 0; i < 50 && reads.length === 0; i++) {
      const res = await fetch(`${stack.serviceUrl}/v1/me/reads`, {
        headers: { authorization: `Bearer ${session?.value}` },
      });
      reads = ((await res.json()) as { data: typeof reads }).data;
      if (reads.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(reads.map((r) => r.article.id)).toEqual(['night-buses-approved']);
  });

  it('signs in by the mailed link: opening it signs nobody in, its button does', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const other = await fresh.newPage();
    await other.goto(`${stack.serviceUrl}/login`);
    await other.getByRole('link', { name: 'Email me a sign-in link instead' }).click();
    await other.getByLabel('Email address').fill(EMAIL);
    await other.getByRole('button', { name: 'Email me a link and code' }).click();
    await other.getByRole('heading', { name: 'Check your email' }).waitFor();

    const mail = await inboxMail(other, EMAIL, /sign-in code/);
    expect(await mail.getByRole('heading').textContent()).toMatch(/sign-in code$/);
    await mail.getByRole('link', { name: /\/sign-in\/email\/confirm/ }).click();
    await other.getByRole('button', { name: 'Continue' }).waitFor();
    await step(other, 'email-confirm');
    expect((await fresh.cookies()).some((c) => c.name.endsWith('onepass_session'))).toBe(false);

    await other.getByRole('button', { name: 'Continue' }).click();
    await other.waitForURL(`${stack.serviceUrl}/account`);
    expect(await other.getByText(EMAIL).count()).toBeGreaterThan(0);

    // Two devices now (the first context and this one): sign out the other one from here.
    await other.getByRole('heading', { name: 'Signed-in devices' }).waitFor();
    expect(await other.locator('ul.devices li').count()).toBe(2);
    await step(other, 'account-devices');
    await other.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await other.getByText('Signed out on 1 other device.').waitFor();
    await page.goto(`${stack.serviceUrl}/account`);
    await page.waitForURL(/\/login/);

    // An account made by mail chooses its first password here.
    await other.getByLabel('New password').fill('my first pass phrase');
    await other.getByRole('button', { name: 'Set password' }).click();
    await other.getByText('Your password is set.').waitFor();
    await step(other, 'account-password-set');

    // Download the data, then delete the account with the password just set.
    const [download] = await Promise.all([
      other.waitForEvent('download'),
      other.getByRole('link', { name: 'Download your data' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('onepass-export.json');
    await other.getByLabel('Your password', { exact: true }).fill('my first pass phrase');
    await other.getByRole('button', { name: 'Delete my account' }).click();
    await other.getByRole('heading', { name: 'Your account is deleted' }).waitFor();
    await step(other, 'account-deleted');
    await other.goto(`${stack.serviceUrl}/account`);
    await other.waitForURL(/\/login/);
    await fresh.close();
  });
});
