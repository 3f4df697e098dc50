/**
 * @module The publisher console in a real browser: an owner invited by an admin signs in by mail,
 * sees the seeded reads as charts, manages API keys, settings, staff and webhook endpoints (a local
 * receiver verifies every delivery with the `standardwebhooks` package), and opens a statement
 * verified by the SDK; a viewer may look and not act. Each action leaves its audit entry.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launch, screenshot, seriousViolations, watchConsole } from './browser';
import { seedConsoleData } from './console-seed';
import { signInByMail as signInByMailAt } from './sign-in';
import { type Stack, startStack } from './stack';

const executable = chromiumPath();
const runnable = executable !== null || process.env.CI === 'true';
const stamp = Date.now().toString(36);
const OWNER = `owner.${stamp}@daily.example`;
const VIEWER = `viewer.${stamp}@daily.example`;

interface Received {
  verified: boolean;
  type: string;
}

describe.runIf(runnable)('the publisher console in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let csp: string[];
  let lastMonth = '';
  let receiver: Server;
  let receiverUrl = '';
  let secret = '';
  const received: Received[] = [];

  async function admin(path: string, init: { method?: string; body?: unknown } = {}) {
    const res = await fetch(`${stack.serviceUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function auditActions(): Promise<string[]> {
    const { body } = await admin('/v1/admin/audit-log?limit=100');
    return (body.data as { action: string }[]).map((e) => e.action);
  }

  async function step(on: Page, name: string): Promise<void> {
    await screenshot(on, name);
    expect(await seriousViolations(on), `axe on ${on.url()}`).toEqual([]);
  }

  const signInByMail = (ctxOf: BrowserContext, on: Page, email: string, next: string) =>
    signInByMailAt(stack.serviceUrl, ctxOf, on, email, next);

  beforeAll(async () => {
    stack = await startStack();
    ({ lastMonth } = await seedConsoleData(stack));
    for (const [email, role] of [
      [OWNER, 'owner'],
      [VIEWER, 'viewer'],
    ]) {
      const res = await admin(`/v1/admin/publishers/${stack.publisherId}/staff`, {
        method: 'POST',
        body: { email, role },
      });
      expect(res.status).toBe(200);
    }
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let verified = false;
        let type = '';
        try {
          const event = new Webhook(secret).verify(body, {
            'webhook-id': String(req.headers['webhook-id']),
            'webhook-timestamp': String(req.headers['webhook-timestamp']),
            'webhook-signature': String(req.headers['webhook-signature']),
          }) as { type: string };
          verified = true;
          type = event.type;
        } catch {
          verified = false;
        }
        received.push({ verified, type });
        res.writeHead(verified ? 204 : 400).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    browser = await launch(executable ?? '/usr/bin/chromium');
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    csp = watchConsole(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    await stack?.close();
  });

  it('signs the owner in and opens their publisher with charts of the seeded reads', async () => {
    await page.goto(`${stack.serviceUrl}/publisher`);
    await page.waitForURL(/\/login\?next=%2Fpublisher/);
    await signInByMail(context, page, OWNER, '/publisher');
    await page.waitForURL(`${stack.serviceUrl}/publisher/${stack.publisherId}`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const figures = await page.locator('#reads-per-day td').allTextContents();
    // 9 reads three days ago… each by its own reader, so unique readers are the same figures.
    expect(figures).toEqual(expect.arrayContaining(['9', '7', '4', '2']));
    expect(await page.locator('#reads-per-day polyline').count()).toBe(2);
    expect(await page.locator('#top-articles rect').count()).toBe(2);
    expect(await page.getByRole('row', { name: /Night buses approved/ }).count()).toBe(1);
    await step(page, 'console-publisher-overview');
  });

  it('creates, rotates and revokes an API key', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('New key’s name').fill('Production web');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.locator('#new-key').innerText()).trim();
    const call = (k: string) =>
      fetch(`${stack.serviceUrl}/v1/publisher`, { headers: { authorization: `Bearer ${k}` } });
    expect((await call(key)).status).toBe(200);
    await step(page, 'console-publisher-keys');
    await page
      .getByRole('row', { name: /Production web.*live/ })
      .getByRole('button', { name: 'Rotate' })
      .click();
    const rotated = (await page.locator('#new-key').innerText()).trim();
    expect((await call(key)).status).toBe(401);
    expect((await call(rotated)).status).toBe(200);
    await page
      .getByRole('row', { name: /Production web.*live/ })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page.getByRole('status').filter({ hasText: 'is revoked' }).waitFor();
    expect((await call(rotated)).status).toBe(401);
    // The demo publisher's own key was never touched.
    expect((await call(stack.publisherKey)).status).toBe(200);
  });

  it('saves the origins and the /titles profile, and invites a colleague', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const origins = await page.getByLabel('Origins readers may be sent back to').inputValue();
    await page.getByLabel('Origins readers may be sent back to').fill(`${origins}\nhttps://m.daily.example`);
    await page.getByLabel('Description on /titles').fill('News of the day, every day.');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    const profile = (await (
      await fetch(`${stack.serviceUrl}/v1/publisher`, {
        headers: { authorization: `Bearer ${stack.publisherKey}` },
      })
    ).json()) as { origins: string[]; description: string };
    expect(profile.origins).toContain('https://m.daily.example');
    expect(profile.description).toBe('News of the day, every day.');
    await page.getByLabel('Origins readers may be sent back to').fill('not an origin');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').waitFor();

    await page.getByRole('link', { name: 'Staff' }).click();
    await page.getByLabel('Invite by address').fill(`desk.${stamp}@daily.example`);
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('status').filter({ hasText: 'is invited as viewer' }).waitFor();
    await step(page, 'console-publisher-staff');
  });

  it('adds a webhook endpoint, sends a test event, redelivers it, rotates the secret', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('URL (https)').fill(receiverUrl);
    await page.getByLabel('Description').fill('Session service');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    secret = (await page.locator('#new-secret').innerText()).trim();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('link', { name: receiverUrl }).click();
    await page.getByRole('button', { name: 'Send a test event' }).click();
    // The post's own answer first: a reload while its navigation is still under way loses the page.
    await page.getByRole('status').filter({ hasText: 'A test event is on its way' }).waitFor();
    await expect.poll(() => received.filter((r) => r.type === 'test' && r.verified).length).toBe(1);
    await page.reload();
    await page.locator('[data-status="delivered"]').first().waitFor();
    await step(page, 'console-publisher-webhook');
    await page.getByRole('button', { name: 'Redeliver' }).first().click();
    await page.getByRole('status').filter({ hasText: 'sent again' }).waitFor();
    await page.reload();
    expect(received.filter((r) => r.type === 'test' && r.verified).length).toBe(2);
    await page.getByRole('button', { name: 'Rotate the secret' }).click();
    const next = (await page.locator('#new-secret').innerText()).trim();
    expect(next).not.toBe(secret);
    // Both secrets sign for a day: the old one still verifies the next delivery.
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await expect.poll(() => received.filter((r) => r.type === 'test' && r.verified).length).toBe(3);
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('status').filter({ hasText: 'The endpoint is disabled' }).waitFor();
    expect(received.every((r) => r.verified)).toBe(true);
  });

  it('shows a statement with its lines, verified by the SDK against the published keys', async () => {
    const made = await admin('/v1/admin/payouts', {
      method: 'POST',
      body: { month: lastMonth, amount: 90000, currency: 'EUR' },
    });
    expect(made.status).toBe(201);
    await page.getByRole('link', { name: 'Statements' }).click();
    await page.getByRole('link', { name: `${lastMonth} EUR` }).click();
    await page.getByRole('heading', { name: `Statement ${lastMonth} EUR` }).waitFor();
    expect(await page.locator('#verification').getAttribute('data-ok')).toBe('true');
    const checks = await page
      .locator('#verification li')
      .evaluateAll((items) =>
        items.map((li) => `${li.getAttribute('data-check')}:${li.getAttribute('data-status')}`),
      );
    expect(checks).toEqual(
      expect.arrayContaining(['signature:pass', 'subtree_root:pass', 'root:pass', 'split:pass']),
    );
    await step(page, 'console-publisher-statement');
    const download = await page.request.get(
      `${stack.serviceUrl}/publisher/${stack.publisherId}/statements/${lastMonth}?currency=EUR&format=json`,
    );
    const doc = (await download.json()) as { statement: string; leaves: unknown[] };
    expect(doc.statement.split('.')).toHaveLength(3);
    expect(doc.leaves.length).toBeGreaterThan(0);
  });

  it('records every action of the owner in the audit log', async () => {
    expect(await auditActions()).toEqual(
      expect.arrayContaining([
        'publisher_key.create',
        'publisher_key.revoke',
        'publisher.update_profile',
        'publisher_staff.invite',
        'webhook_endpoint.create',
        'webhook_endpoint.test',
        'webhook_endpoint.redeliver',
        'webhook_endpoint.rotate_secret',
        'webhook_endpoint.update',
      ]),
    );
  });

  it('lets a viewer look and not act, and keeps other publishers closed', async () => {
    const other = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const look = await other.newPage();
    await signInByMail(other, look, VIEWER, '/publisher');
    await look.waitForURL(`${stack.serviceUrl}/publisher/${stack.publisherId}`);
    await look.goto(`${stack.serviceUrl}/publisher/${stack.publisherId}/keys`);
    expect(await look.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    const cookie = (await other.cookies(stack.serviceUrl)).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await fetch(`${stack.serviceUrl}/publisher/${stack.publisherId}/keys`, {
      method: 'POST',
      headers: { cookie, origin: stack.serviceUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'x' }),
    });
    expect(forged.status).toBe(403);
    const elsewhere = await look.goto(`${stack.serviceUrl}/publisher/pub_aaaaaaaaaaaaaaaaaaaa`);
    expect(elsewhere?.status()).toBe(403);
    await other.close();
    expect(csp.filter((m) => m.includes('Content Security Policy'))).toEqual([]);
  });
});
