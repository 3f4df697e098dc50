/**
 * @module Passkeys in a real browser: Debian's chromium with a virtual authenticator (CDP WebAuthn:
 * CTAP2, internal, resident keys, user verified), OnePass on `localhost` (an IP address is no RP
 * id). Add a passkey from the account page, sign out, sign in with it from /login, remove it, and
 * see it refused afterwards; without JavaScript the sign-in page offers the other ways only. Every
 * page checked by axe-core and free of CSP violations, with screenshots.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launch, screenshot, seriousViolations, watchConsole } from './browser';
import { type Stack, startStack } from './stack';

const executable = chromiumPath();
const runnable = executable !== null || process.env.CI === 'true';
const EMAIL = `passkey.${Date.now().toString(36)}@example.com`;

describe.runIf(runnable)('passkeys in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let consoleMessages: string[];

  beforeAll(async () => {
    stack = await startStack({}, { serviceHost: 'localhost' });
    browser = await launch(executable ?? '/usr/bin/chromium');
    context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    page = await context.newPage();
    consoleMessages = watchConsole(page);
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  async function step(name: string): Promise<void> {
    await screenshot(page, name);
    expect(await seriousViolations(page), `axe on ${page.url()}`).toEqual([]);
  }

  it('adds a passkey on the account page, signs in with it from /login, and removes it', async () => {
    expect(stack.serviceUrl).toMatch(/^http:\/\/localhost:\d+$/);
    await page.goto(`${stack.serviceUrl}/signup`);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Choose a password').fill('a passkey pass phrase');
    await page.getByRole('button', { name: 'Start free trial' }).click();
    await page.waitForURL(`${stack.serviceUrl}/account`);

    await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
    expect(await page.getByText('You have no passkeys yet.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    const listed = page.locator('ul.passkeys li');
    await listed.first().waitFor();
    expect(await listed.count()).toBe(1);
    expect(await listed.first().textContent()).toMatch(/Chrome on Linux · added .* · not used yet/);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
    expect(credentials[0]?.rpId).toBe('localhost');
    await step('account-passkeys');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${stack.serviceUrl}/account`);
    await page.waitForURL(/\/login/);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    expect(await page.getByLabel('Password', { exact: true }).isVisible()).toBe(true);
    await step('login-passkey');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${stack.serviceUrl}/account`);
    expect(await page.getByText(EMAIL).count()).toBeGreaterThan(0);
    expect(await listed.first().textContent()).toMatch(/last used/);

    await page.getByRole('button', { name: 'Remove the passkey Chrome on Linux' }).click();
    await page.getByText('The passkey is removed: it no longer signs you in.').waitFor();
    expect(await listed.count()).toBe(0);
    await step('account-passkey-removed');

    // The authenticator still holds it, but the service no longer accepts it.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${stack.serviceUrl}/login`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByText('The passkey could not be verified. Try again, or sign in another way.').waitFor();
    expect(page.url()).toContain('/login');
    expect(consoleMessages.filter((m) => /Content.Security.Policy/i.test(m))).toEqual([]);
  });

  it('without JavaScript the sign-in page offers the password and the mailed link only', async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const other = await plain.newPage();
    await other.goto(`${stack.serviceUrl}/login`);
    expect(await other.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0);
    expect(await other.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
    expect(await other.getByRole('link', { name: 'Email me a sign-in link instead' }).isVisible()).toBe(true);
    await plain.close();
  });
});
