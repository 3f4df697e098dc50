/**
 * Issue 15 item 15: members brought in from a Stripe account's existing subscriptions. One service
 * (the "old system") sells two subscriptions through the emulator; a second service on a fresh
 * database, on the same Stripe account, imports them a page at a time: a dry run first, then the
 * import, then again (nothing new), and the CLI prints its progress and summary.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeDoor, serveNodeDoor, startNodeDoor } from '../support/node-door';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

const ROOT = path.resolve(import.meta.dirname, '../..');
let old: BillingHarness;
let fresh: NodeDoor;

beforeAll(async () => {
  old = await startBillingHarness();
  fresh = await startNodeDoor(
    {
      STRIPE_API_BASE: old.h.env.STRIPE_API_BASE ?? '',
      STRIPE_SECRET_KEY: old.h.ctx.config.stripe.secretKey,
    },
    { clock: () => new Date(old.emulatorNow() * 1000) },
  );
});
afterAll(async () => {
  fresh?.close();
  await old?.close();
});

async function sellOne(email: string, plan: 'monthly' | 'annual') {
  const res = await old.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  const started = await old.h.call('POST', '/v1/me/checkout', {
    token: res.json.session_token,
    body: { plan },
  });
  expect((await payCheckout(old.control, started.json.url)).ok).toBe(true);
}

const importPage = (body: Record<string, unknown>) =>
  fresh.call('POST', '/v1/admin/imports/stripe', { token: fresh.adminKey, body });

describe('importing a Stripe account’s subscriptions', () => {
  it('dry-runs, then imports each entitled subscription as a linked member, then changes nothing', async () => {
    await sellOne('first@example.com', 'monthly');
    await sellOne('second@example.com', 'annual');

    const dry = await importPage({ dry_run: true, limit: 1 });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json.summary.created).toBe(1);
    expect(dry.json.next).toMatch(/^sub_/);
    expect((await fresh.call('GET', '/v1/admin/members', { token: fresh.adminKey })).json.data).toEqual([]);

    const seen: { email: string; outcome: string; reader_id: string | null }[] = [];
    let next: string | null = null;
    do {
      const page = await importPage({ limit: 1, ...(next ? { starting_after: next } : {}) });
      seen.push(...page.json.results);
      next = page.json.next;
    } while (next);
    expect(seen.map((r) => [r.email, r.outcome]).sort()).toEqual([
      ['first@example.com', 'created'],
      ['second@example.com', 'created'],
    ]);
    const second = seen.find((r) => r.email === 'second@example.com');
    const member = await fresh.call('GET', `/v1/admin/members/${second?.reader_id}`, {
      token: fresh.adminKey,
    });
    // A Stripe trial carried over from the free trial: trialing, on the annual plan, linked to its customer.
    expect(member.json.membership).toMatchObject({ plan: 'annual' });
    expect(['trialing', 'active']).toContain(member.json.membership.status);
    expect(member.json.reader.email).toBe('second@example.com');

    const unknown = await importPage({ starting_after: 'sub_doesnotexist1' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].path).toBe('starting_after');
    expect((await importPage({ starting_after: "' OR '1'='1" })).status).toBe(400);

    const again = await importPage({ limit: 100 });
    expect(again.json.summary).toMatchObject({ created: 0, linked: 0, skipped: 2 });
    for (const r of again.json.results) expect(r.reason).toMatch(/already imported/);
  });

  it('runs as `npm run admin -- import --from-stripe`, with progress and a summary', async () => {
    const served = await serveNodeDoor(fresh);
    try {
      const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'scripts/admin.ts', 'import', '--from-stripe', '--dry-run'],
          {
            cwd: ROOT,
            env: { PATH: process.env.PATH ?? '', ONEPASS_URL: served.url, ONEPASS_ADMIN_KEY: fresh.adminKey },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (d) => {
          stdout += String(d);
        });
        child.stderr?.on('data', (d) => {
          stderr += String(d);
        });
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stderr).toContain('2 done');
      expect(out.stdout).toContain(
        'Dry run (nothing written): would have created 0, linked 0, skipped 2, invalid 0.',
      );
      expect(out.stdout).toMatch(/2 {2}skipped: already imported/);
    } finally {
      await served.close();
    }
  });
});
