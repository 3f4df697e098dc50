/**
 * @module Family seats in a real browser (issue 15, item 14): a reader subscribes on /subscribe
 * through the (emulated) Checkout page, invites a family member on /account/seats, the member
 * opens the mailed link from the dev inbox, creates an account from it, takes the seat and sees a
 * shared membership; the owner removes the seat and the member's account page says so. Every
 * page is checked by axe-core and screenshotted.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launch, screenshot, seriousViolations } from './browser';
import { type Stack, startStack } from './stack';

const executable = chromiumPath();
const runnable = executable !== null || process.env.CI === 'true';
if (!runnable) console.warn('e2e: no chromium found (set CHROMIUM_PATH); the seats suite is skipped.');

const stamp = Date.now().toString(36);
const OWNER = `owner.${stamp}@example.com`;
const MEMBER = `member.${stamp}@example.com`;
const PASSWORD = 'a long pass phrase';

describe.runIf(runnable)('family seats in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let owner: Page;
  let member: Page;

  beforeAll(async () => {
    stack = await startStack({ SEAT_LIMIT: '4' });
    browser = await launch(executable ?? '/usr/bin/chromium');
    owner = await (await browser.newContext({ viewport: { width: 1024, height: 800 } })).newPage();
    member = await (await browser.newContext({ viewport: { width: 1024, height: 800 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
  async function step(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect(await seriousViolations(page), `axe on ${page.url()}`).toEqual([]);
  }
  async function signUp(page: Page, email: string) {
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Start free trial' }).click();
  }

  it('an owner without a subscription is told to subscribe; after Checkout they invite', async () => {
    await owner.goto(`${stack.serviceUrl}/signup`);
    await signUp(owner, OWNER);
    await owner.waitForURL(/\/account|\/$/);
    await owner.goto(`${stack.serviceUrl}/account`);
    await owner.getByRole('link', { name: 'Seats' }).click();
    await owner.waitForURL(`${stack.serviceUrl}/account/seats`);
    expect(await text(owner.locator('main'))).toContain('Seats come with a subscription');
    await step(owner, 'seats-no-subscription');

    await owner.goto(`${stack.serviceUrl}/subscribe`);
    await owner.getByRole('button', { name: 'Continue to payment' }).click();
    await owner.waitForURL(`${stack.emulator.url}/checkout/**`);
    await owner.getByLabel('Card number').fill('4242 4242 4242 4242');
    await owner.getByLabel('Expiry date (MM / YY)').fill('12 / 34');
    await owner.getByLabel('Security code (CVC)').fill('123');
    await owner.getByLabel('Name on card').fill('Ada Owner');
    await owner.getByRole('button', { name: /subscribe|start trial/i }).click();
    await owner.waitForURL((url) => url.origin === stack.serviceUrl, { timeout: 30_000 });

    await owner.goto(`${stack.serviceUrl}/account/seats`);
    await owner.getByLabel('Their email address').fill('not an address');
    await owner.getByRole('button', { name: 'Send the invitation' }).click();
    expect(await text(owner.locator('.field-error'))).toContain('name@example.com');
    await owner.getByLabel('Their email address').fill(MEMBER);
    await owner.getByRole('button', { name: 'Send the invitation' }).click();
    await owner.waitForURL(`${stack.serviceUrl}/account/seats?done=invited`);
    expect(await text(owner.getByRole('status'))).toContain('The invitation is on its way.');
    const row = owner.getByRole('row', { name: new RegExp(MEMBER.replace(/\./g, '\\.')) });
    expect(await text(row)).toContain('Invited');
    expect(await text(owner.locator('caption'))).toContain('billed for 2');
    await step(owner, 'seats-invited');
  });

  it('the member opens the mailed link, creates an account from it and takes the seat', async () => {
    await member.goto(`${stack.serviceUrl}/dev/inbox`);
    const mail = member.locator('article.mail', { hasText: `To ${MEMBER}` }).first();
    expect(await text(mail.getByRole('heading'))).toContain('shares their OnePass membership with you');
    const link =
      (await mail
        .getByRole('link', { name: /\/seats\/join\// })
        .first()
        .getAttribute('href')) ?? '';
    expect(link).toMatch(/\/seats\/join\/[A-Za-z0-9_-]{43}$/);
    await member.goto(link);
    expect(await text(member.getByRole('heading', { level: 1 }))).toBe(
      `${OWNER} shares their OnePass membership with you`,
    );
    await step(member, 'seat-join-signed-out');
    await member.getByRole('link', { name: `Create an account with ${MEMBER}` }).click();
    await signUp(member, MEMBER);
    await member.waitForURL(link);
    await step(member, 'seat-join');
    await member.getByRole('button', { name: 'Take the seat' }).click();
    await member.waitForURL(`${stack.serviceUrl}/account`);
    expect(await text(member.locator('dl.status'))).toContain('Shared membership');
    await step(member, 'account-seat');
    await member.goto(`${stack.serviceUrl}/account/seats`);
    expect(await text(member.locator('#held-title'))).toBe('Your seat');
    expect(await text(member.locator('main'))).toContain(OWNER);
  });

  it('the owner sees the seat taken and removes it; the member is told at once', async () => {
    await owner.goto(`${stack.serviceUrl}/account/seats`);
    const row = owner.getByRole('row', { name: new RegExp(MEMBER.replace(/\./g, '\\.')) });
    expect(await text(row)).toContain('Joined');
    await owner.getByRole('button', { name: `Remove ${MEMBER}` }).click();
    await owner.waitForURL(`${stack.serviceUrl}/account/seats?done=removed`);
    expect(await text(owner.getByRole('status'))).toContain('The seat was removed.');
    await step(owner, 'seats-removed');
    await member.goto(`${stack.serviceUrl}/account`);
    expect(await text(member.locator('dl.status'))).not.toContain('Shared membership');
    expect(await text(member.locator('dl.status'))).toContain('Free trial ended');
  });
});
