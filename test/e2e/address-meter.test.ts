/**
 * @module The address and the meter in a real browser: the meter counting down on the demo
 * publisher ("1 of 3 free articles this month") to its paywall, the address confirmed with a code
 * from the dev inbox, and the address changed by the mailed link, the old address told; each page
 * checked by axe-core, with screenshots in test/e2e/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLES } from '../../examples/publisher/articles';
import { chromiumPath, launch, screenshot, seriousViolations, watchConsole } from './browser';
import { type Stack, startStack } from './stack';

const executable = chromiumPath();
const runnable = executable !== null || process.env.CI === 'true';
const tag = Date.now().toString(36);
const EMAIL = `meter.${tag}@example.com`;
const NEW_EMAIL = `moved.${tag}@example.com`;
const PASSWORD = 'correct horse battery';

describe.runIf(runnable)('the address and the meter in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ METER_FREE_ARTICLES: '3' });
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

  /** The newest mail to `to` whose subject matches, in the development inbox. */
  async function inboxMail(on: Page, to: string, subject: RegExp) {
    await on.goto(`${stack.serviceUrl}/dev/inbox`);
    const mail = on
      .locator('article.mail', { hasText: `To ${to}` })
      .filter({ hasText: subject })
      .first();
    await mail.waitFor();
    return mail;
  }

  /** Opens a mail's HTML part (as a mail client gets it) from the inbox, checks it and takes its picture. */
  async function asHtml(
    on: Page,
    mail: Awaited<ReturnType<typeof inboxMail>>,
    name: string,
    expected: string,
  ) {
    await mail.getByRole('link', { name: 'as HTML' }).click();
    await on.getByText(expected).first().waitFor();
    await screenshot(on, name);
  }

  it('counts the free articles down on the demo publisher, then shows its paywall', async () => {
    await page.goto(`${stack.serviceUrl}/signup`);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Start free trial' }).click();
    await page.waitForURL(/\/account|\/$/);
    // The trial ends (as an admin would end it): from here on only the meter opens articles.
    const id = await stack.readerIdByEmail(EMAIL);
    const ended = await fetch(`${stack.serviceUrl}/v1/admin/members/${id}/trial`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ends_at: new Date(Date.now() - 1000).toISOString() }),
    });
    expect(ended.status).toBe(200);

    const [first, second, third, fourth] = ARTICLES.map((a) => `${stack.publisherUrl}/articles/${a.slug}`);
    await page.goto(first ?? '');
    await page.locator('aside.paywall').getByRole('link', { name: 'Start your free trial' }).click();
    await page.locator('.paywalled-content').waitFor();
    await page.getByText('1 of 3 free articles this month.').waitFor();
    // Back on an article already counted: still free, still 1.
    await page.goto(first ?? '');
    await page.getByText('1 of 3 free articles this month.').waitFor();
    // The next articles are asked for silently, each counted once.
    await page.goto(second ?? '');
    await page.getByText('2 of 3 free articles this month.').waitFor();
    await step(page, 'meter-2-of-3');
    await page.goto(third ?? '');
    await page.getByText('3 of 3 free articles this month.').waitFor();
    // The welcome mail of the sign-up, as the dev inbox renders it (its HTML part).
    const inbox = await context.newPage();
    const welcome = await inboxMail(inbox, EMAIL, /Welcome to OnePass/);
    expect(await welcome.textContent()).toContain('confirm this address');
    await asHtml(inbox, welcome, 'mail-welcome', 'One more step: confirm this address');
    await inbox.close();
    await page.goto(fourth ?? '');
    await page.getByRole('heading', { name: 'Subscribe to keep reading' }).waitFor();
    expect(await page.locator('.paywalled-content').count()).toBe(0);
    await step(page, 'meter-paywall');
  });

  it('shows the titles of the membership, linked from the account page', async () => {
    const listed = await fetch(`${stack.serviceUrl}/v1/titles`);
    const [title] = ((await listed.json()) as { data: { id: string }[] }).data;
    const set = await fetch(`${stack.serviceUrl}/v1/admin/publishers/${title?.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        description: 'Northbay’s independent daily: city hall, the harbour, culture and sport.',
        homepage_url: stack.publisherUrl,
      }),
    });
    expect(set.status).toBe(200);
    await page.goto(`${stack.serviceUrl}/account`);
    await page.getByRole('link', { name: 'Every title your membership opens' }).click();
    await page.getByRole('heading', { name: 'The titles of your membership' }).waitFor();
    await page.getByText('Northbay’s independent daily').waitFor();
    await step(page, 'titles');
  });

  it('renders the API reference at /docs with every request to another origin refused (offline)', async () => {
    const offline = await context.newPage();
    const elsewhere: string[] = [];
    await offline.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(stack.serviceUrl)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    await offline.goto(`${stack.serviceUrl}/docs`);
    await offline.getByText('Get a short-lived entitlement token for one publisher').first().waitFor();
    expect(elsewhere).toEqual([]);
    await screenshot(offline, 'docs-offline');
    await offline.close();
  });

  it('confirms the address with a code from the inbox', async () => {
    await page.goto(`${stack.serviceUrl}/account`);
    await page.getByText('not confirmed yet').waitFor();
    await page.getByRole('button', { name: 'Email me a confirmation code' }).click();
    await page.getByLabel('Code from the mail').first().waitFor();
    const inbox = await context.newPage();
    const mail = await inboxMail(inbox, EMAIL, /confirms your OnePass address/);
    const subject = (await mail.getByRole('heading').textContent()) ?? '';
    await step(inbox, 'dev-inbox-verify');
    await asHtml(inbox, mail, 'mail-verify-email', 'so that your free trial goes on');
    await inbox.close();
    await page.locator('#verify_code').fill(subject.slice(0, 6));
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByText('Your address is confirmed. Thank you.').waitFor();
    await step(page, 'account-address-confirmed');
  });

  it('changes the address by the mailed link: the account moves on its button, the old address is told', async () => {
    await page.goto(`${stack.serviceUrl}/account`);
    await page.getByLabel('New email address').fill(NEW_EMAIL);
    await page.getByRole('button', { name: 'Change address' }).click();
    await page.getByText(`We mailed a link and a code to ${NEW_EMAIL}`).waitFor();
    await step(page, 'account-address-pending');

    const inbox = await context.newPage();
    const mail = await inboxMail(inbox, NEW_EMAIL, /confirms your new OnePass address/);
    await mail.getByRole('link', { name: /\/account\/email\/confirm/ }).click();
    await inbox.getByRole('button', { name: 'Confirm' }).waitFor();
    await step(inbox, 'email-change-confirm');
    await inbox.getByRole('button', { name: 'Confirm' }).click();
    await inbox.getByRole('heading', { name: 'Your address has changed' }).waitFor();

    const told = await inboxMail(inbox, EMAIL, /address of your OnePass account has changed/);
    expect(await told.textContent()).toContain(NEW_EMAIL);
    await asHtml(inbox, told, 'mail-email-changed', `Your OnePass account now uses ${NEW_EMAIL}`);
    // The change-of-address mail itself, already used: its HTML part still renders.
    await asHtml(
      inbox,
      await inboxMail(inbox, NEW_EMAIL, /confirms your new/),
      'mail-email-change',
      'Someone (hopefully you)',
    );
    await inbox.close();

    await page.goto(`${stack.serviceUrl}/account`);
    await page.getByText(NEW_EMAIL).first().waitFor();
  });
});
