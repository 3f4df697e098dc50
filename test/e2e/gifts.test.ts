/**
 * @module Prices and gifts in a real browser (issue 15, items 12 and 13): a reader whose browser
 * speaks German sees the plans in euros on /subscribe, buys 3 months for a friend on /gift, pays
 * on the (emulated) Stripe Checkout page, gets the link on /gift/thanks; the friend creates an
 * account from the link, redeems it and sees a gift membership on the account page. Every page is
 * checked by axe-core and screenshotted.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launch, screenshot, seriousViolations } from './browser';
import { type Stack, startStack } from './stack';

const executable = chromiumPath();
const runnable = executable !== null || process.env.CI === 'true';
if (!runnable) console.warn('e2e: no chromium found (set CHROMIUM_PATH); the gifts suite is skipped.');

const stamp = Date.now().toString(36);
const BUYER = `buyer.${stamp}@example.com`;
const FRIEND = `friend.${stamp}@example.com`;
const PASSWORD = 'a long pass phrase';

describe.runIf(runnable)('prices and gifts in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let buyer: Page;
  let link = '';

  beforeAll(async () => {
    stack = await startStack();
    browser = await launch(executable ?? '/usr/bin/chromium');
    buyer = await (
      await browser.newContext({ locale: 'de-DE', viewport: { width: 1024, height: 800 } })
    ).newPage();
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

  it("shows the plans' prices in the reader's currency before Checkout", async () => {
    await buyer.goto(`${stack.serviceUrl}/signup`);
    await signUp(buyer, BUYER);
    await buyer.waitForURL(/\/account|\/$/);
    await buyer.goto(`${stack.serviceUrl}/subscribe`);
    expect(await text(buyer.locator('[data-plan-price="monthly"]'))).toBe('€8.99 / month');
    expect(await text(buyer.locator('[data-plan-price="annual"]'))).toBe('€89.00 / year');
    expect(await text(buyer.locator('#promotion-codes'))).toContain('promotion code');
    await step(buyer, 'subscribe-prices');
  });

  it('buys 3 months for a friend and gets the link', async () => {
    await buyer.goto(`${stack.serviceUrl}/gift`);
    expect(await text(buyer.locator('[data-gift-price="3"]'))).toBe('€26.97');
    await buyer.getByLabel(/3 months/).check();
    await buyer.getByLabel('Their email address').fill(FRIEND);
    await buyer.getByLabel('A message (optional)').fill('For the long train rides');
    await step(buyer, 'gift-buy');
    await buyer.getByRole('button', { name: 'Continue to payment' }).click();
    await buyer.waitForURL(`${stack.emulator.url}/checkout/**`);
    expect(await text(buyer.getByRole('heading', { level: 1 }))).toContain('Pay for');
    await buyer.getByLabel('Card number').fill('4242 4242 4242 4242');
    await buyer.getByLabel('Expiry date (MM / YY)').fill('12 / 34');
    await buyer.getByLabel('Security code (CVC)').fill('123');
    await buyer.getByLabel('Name on card').fill('Ada Buyer');
    await buyer.getByRole('button', { name: 'Pay €26.97' }).click();
    await buyer.waitForURL(`${stack.serviceUrl}/gift/thanks?**`);
    // The page waits for Stripe's webhook (delivered by the emulator) before it answers.
    link = (await buyer.locator('#gift-link').getAttribute('href')) ?? '';
    expect(link).toContain('/gift/redeem/gft_');
    await step(buyer, 'gift-thanks');
    // The gift page now lists it, with the same link, until it is redeemed.
    await buyer.goto(`${stack.serviceUrl}/gift`);
    const given = buyer.getByRole('region', { name: 'Gifts you gave' });
    expect(await text(given)).toContain(`3 months for ${FRIEND}, €26.97`);
    expect(await text(given)).toContain('Not redeemed yet');
    expect(await given.getByRole('link', { name: 'link to redeem it' }).getAttribute('href')).toBe(link);
    await step(buyer, 'gift-given');
  });

  it('the friend creates an account from the link, redeems it and has a gift membership', async () => {
    const friend = await (await browser.newContext({ viewport: { width: 1024, height: 800 } })).newPage();
    await friend.goto(link);
    expect(await text(friend.getByRole('heading', { level: 1 }))).toContain('3 months of OnePass');
    await step(friend, 'gift-redeem-signed-out');
    await friend.getByRole('link', { name: 'Create an account to redeem it' }).click();
    await signUp(friend, FRIEND);
    await friend.waitForURL(link);
    await friend.getByRole('button', { name: 'Redeem the gift' }).click();
    await friend.waitForURL(`${stack.serviceUrl}/account`);
    expect(await text(friend.locator('dl.status'))).toContain('Gift membership');
    await step(friend, 'account-gift');
    await friend.goto(link);
    expect(await text(friend.locator('.lead'))).toContain('already been redeemed');
  });
});
