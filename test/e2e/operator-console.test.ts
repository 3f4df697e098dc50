/**
 * @module The operator console in a real browser: an admin user signs in by mail, sees the dashboard
 * drawn from seeded figures, and uses every page and action (members, publishers and staff, payouts,
 * keys and users), each leaving its audit entry; a support user may look and not act. Every page is
 * checked by axe-core, with screenshots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launch, screenshot, seriousViolations, watchConsole } from './browser';
import { seedConsoleData } from './console-seed';
import { signInByMail as signInByMailAt } from './sign-in';
import { type Stack, startStack } from './stack';

const executable = chromiumPath();
const runnable = executable !== null || process.env.CI === 'true';
const stamp = Date.now().toString(36);
const OPS = `ops.${stamp}@example.com`;
const SUPPORT = `support.${stamp}@example.com`;
const MEMBER = `member.${stamp}@example.com`;

describe.runIf(runnable)('the operator console in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let csp: string[];
  let lastMonth = '';
  let lastMonthReads = 0;

  async function admin(path: string, init: { method?: string; body?: unknown } = {}) {
    const res = await fetch(`${stack.serviceUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  }

  async function step(on: Page, name: string): Promise<void> {
    await screenshot(on, name);
    expect(await seriousViolations(on), `axe on ${on.url()}`).toEqual([]);
  }

  /** Signs in by mail (which confirms the address), then waits to land on `next`. */
  async function signInByMail(ctxOf: BrowserContext, on: Page, email: string, next: string) {
    await signInByMailAt(stack.serviceUrl, ctxOf, on, email, next);
    await on.waitForURL(`${stack.serviceUrl}${next}`);
  }

  async function auditActions(): Promise<string[]> {
    const { body } = await admin('/v1/admin/audit-log?limit=100');
    return (body as { data: { action: string }[] }).data.map((e) => e.action);
  }

  beforeAll(async () => {
    stack = await startStack();
    ({ lastMonth, lastMonthReads } = await seedConsoleData(stack));
    expect(
      (await admin('/v1/admin/users', { method: 'POST', body: { email: OPS, role: 'admin' } })).status,
    ).toBe(200);
    browser = await launch(executable ?? '/usr/bin/chromium');
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    csp = watchConsole(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  it('sends a visitor to sign in, then opens the dashboard with charts of the seeded figures', async () => {
    await page.goto(`${stack.serviceUrl}/admin`);
    await page.waitForURL(/\/login\?next=%2Fadmin/);
    await signInByMail(context, page, OPS, '/admin');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    // Trials started per day: the seeded 5 and 3 are among the figures (plus today's real sign-in).
    const trials = await page.locator('#trials-per-day td').allTextContents();
    expect(trials).toEqual(expect.arrayContaining(['5', '3']));
    // The members-by-status chart has one line per status, from the daily snapshot.
    expect(await page.locator('#members-over-time polyline').count()).toBe(4);
    expect(await page.locator('#members-over-time polyline').first().getAttribute('points')).toMatch(
      /^(\S+,\S+ ){2}\S+,\S+$/,
    );
    const members = await page.locator('#members-over-time td').allTextContents();
    expect(members).toEqual(expect.arrayContaining(['17', '20', '3']));
    // MRR in the Stripe prices' currency: the seeded 16983 minor units.
    expect(
      (await page.locator('#mrr-over-time td').allTextContents()).some((t) => /^\D?169\.83/.test(t)),
    ).toBe(true);
    // Reads per publisher: the demo publisher's seeded reads (22 in range, 6 of them last month).
    await expect
      .poll(() => page.locator('#reads-per-publisher rect').first().getAttribute('data-value'))
      .toMatch(/^\d+$/);
    // The cohort of 10 days ago: 1 of 3 paid, by the one metrics rule.
    expect(await page.locator('#conversion-by-cohort td').allTextContents()).toContain('33.3 %');
    expect(await page.locator('#churn polyline').count()).toBe(1);
    await step(page, 'console-operator-dashboard');
  });

  it('finds a member, acts on them, and shows each action in their audit', async () => {
    // A reader to act on, signed up through the API.
    const res = await fetch(`${stack.serviceUrl}/v1/readers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: MEMBER, password: 'correct horse battery' }),
    });
    expect(res.status).toBe(201);
    await page.goto(`${stack.serviceUrl}/admin/members?q=${encodeURIComponent(`member.${stamp}`)}`);
    await step(page, 'console-operator-members');
    await page.getByRole('link', { name: MEMBER }).click();
    await page.getByRole('heading', { name: MEMBER }).waitFor();

    await page.getByLabel('Comp until (UTC)').fill('2030-01-01T00:00');
    await page.getByLabel('Reason').fill('Press pass');
    await page.getByRole('button', { name: 'Comp' }).click();
    await page.getByRole('status').filter({ hasText: 'Comped until 2030-01-01 00:00 UTC' }).waitFor();
    expect(await page.locator('tr[data-audit-action="member.comp"]').count()).toBe(1);

    await page.getByRole('button', { name: 'Revoke sessions and tokens' }).click();
    await page.getByRole('status').filter({ hasText: 'Every session' }).waitFor();
    expect(await page.locator('tr[data-audit-action="member.revoke_sessions"]').count()).toBe(1);

    // No Stripe subscription: the refusal is shown beside the page, and nothing is recorded.
    await page.getByRole('button', { name: 'Cancel now' }).click();
    await page.getByRole('alert').filter({ hasText: 'no Stripe subscription' }).waitFor();
    expect(await page.locator('tr[data-audit-action="member.cancel"]').count()).toBe(0);
    await step(page, 'console-operator-member');

    await page.getByRole('button', { name: 'Delete account' }).click();
    await page.getByRole('status').filter({ hasText: 'The account is deleted.' }).waitFor();
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['member.comp', 'member.revoke_sessions', 'member.delete']),
    );
  });

  it('onboards a publisher (key shown once), invites its owner, rotates its keys', async () => {
    await page.goto(`${stack.serviceUrl}/admin/publishers`);
    await page.getByLabel('New publisher’s name').fill('The Harbour Post');
    await page.getByLabel('Its origin').fill('https://harbour.example');
    await page.getByRole('button', { name: 'Onboard' }).click();
    const key = (await page.locator('#new-key').innerText()).trim();
    expect(key).toMatch(/^ppk_test_/);
    const profile = await fetch(`${stack.serviceUrl}/v1/publisher`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(profile.status).toBe(200);
    await step(page, 'console-operator-publishers');

    await page.getByRole('link', { name: 'The Harbour Post' }).click();
    await page.getByLabel('Invite by address').fill(`owner.${stamp}@harbour.example`);
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('status').filter({ hasText: 'is invited as owner' }).waitFor();
    await page.getByRole('button', { name: 'Rotate all keys' }).click();
    const rotated = (await page.locator('#new-key').innerText()).trim();
    expect(rotated).not.toBe(key);
    const old = await fetch(`${stack.serviceUrl}/v1/publisher`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(old.status).toBe(401);
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['publisher.create', 'publisher_staff.invite', 'publisher.rotate_key']),
    );
  });

  it('makes last month’s payout statement and shows its lines', async () => {
    await page.goto(`${stack.serviceUrl}/admin/payouts`);
    await page.getByLabel('Month').fill(lastMonth);
    await page.getByLabel('Amount (minor units)').fill('60000');
    await page.getByLabel('Currency').fill('EUR');
    await page.getByRole('button', { name: 'Make the statement' }).click();
    await page.getByRole('heading', { name: `Statement ${lastMonth} EUR` }).waitFor();
    const line = page.getByRole('row', { name: /The Daily Example/ });
    expect(await line.innerText()).toMatch(new RegExp(`${lastMonthReads}\\s+€600\\.00`));
    await step(page, 'console-operator-payout');
    expect(await auditActions()).toContain('payout.create');
  });

  it('creates and revokes an admin key, grants and revokes a support user', async () => {
    await page.goto(`${stack.serviceUrl}/admin/keys`);
    await page.getByLabel('New key’s name').fill('Nightly export');
    await page.getByRole('button', { name: 'Create key' }).click();
    expect((await page.locator('#new-key').innerText()).trim()).toMatch(/^ak_test_/);
    await page
      .getByRole('row', { name: /Nightly export/ })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page.getByRole('status').filter({ hasText: 'The key is revoked.' }).waitFor();
    await page.getByLabel('Grant the console to').fill(SUPPORT);
    await page.getByRole('button', { name: 'Grant' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${SUPPORT} has the console as support` })
      .waitFor();
    await step(page, 'console-operator-keys');
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['admin_key.create', 'admin_key.revoke', 'admin_user.grant']),
    );
  });

  it('lists the audit log with filters', async () => {
    await page.goto(`${stack.serviceUrl}/admin/audit?action=member.comp`);
    expect(await page.locator('tr[data-audit-action]').count()).toBe(1);
    await page.goto(`${stack.serviceUrl}/admin/audit`);
    expect(await page.locator('tr[data-audit-action]').count()).toBeGreaterThanOrEqual(8);
    await step(page, 'console-operator-audit');
  });

  it('shows webhook health per publisher, failures included', async () => {
    const auth = { authorization: `Bearer ${stack.publisherKey}`, 'content-type': 'application/json' };
    const made = await fetch(`${stack.serviceUrl}/v1/publisher/webhooks`, {
      method: 'POST',
      headers: auth,
      // Nothing listens on port 9 (discard): every attempt fails.
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hooks', events: ['entitlement.ended'] }),
    });
    expect(made.status).toBe(201);
    const { id } = (await made.json()) as { id: string };
    const test = await fetch(`${stack.serviceUrl}/v1/publisher/webhooks/${id}/test`, {
      method: 'POST',
      headers: auth,
    });
    expect(test.status).toBe(202);
    await expect
      .poll(async () => {
        await page.goto(`${stack.serviceUrl}/admin/webhooks`);
        return page.locator(`tr[data-publisher="${stack.publisherId}"] td`).allTextContents();
      })
      .toEqual(['The Daily Example', '1', '0', '1', '1']);
    await step(page, 'console-operator-webhooks');
  });

  it('lets a support user look but not act, and refuses a forged form', async () => {
    const other = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const look = await other.newPage();
    await signInByMail(other, look, SUPPORT, '/admin/keys');
    expect(await look.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    // A post made without the page's token (another site, or a script) changes nothing.
    const cookie = (await other.cookies(stack.serviceUrl)).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await fetch(`${stack.serviceUrl}/admin/keys`, {
      method: 'POST',
      headers: { cookie, origin: stack.serviceUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'x', role: 'admin' }),
    });
    expect(forged.status).toBe(403);
    const keys = (await admin('/v1/admin/keys')).body as { data: { name: string }[] };
    expect(keys.data.map((k) => k.name)).not.toContain('x');
    await other.close();
    // Someone signed in without a grant sees no console.
    const none = await browser.newContext();
    const nobody = await none.newPage();
    await signInByMail(none, nobody, `nobody.${stamp}@example.com`, '/account');
    const res = await nobody.goto(`${stack.serviceUrl}/admin`);
    expect(res?.status()).toBe(403);
    await none.close();
    expect(csp.filter((m) => m.includes('Content Security Policy'))).toEqual([]);
  });
});
