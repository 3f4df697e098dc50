import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeDoor, startNodeDoor } from '../support/node-door';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

type Db = NodeDoor['ctx']['db'];

/** Every row of every table of the libSQL file, as one lower-cased text. */
async function wholeDatabase(db: Db): Promise<string> {
  const tables = await db.all<{ name: string }>(
    sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  const parts: string[] = [];
  for (const { name } of tables) parts.push(JSON.stringify(await db.all(sql.raw(`SELECT * FROM "${name}"`))));
  return parts.join('\n').toLowerCase();
}

async function signUp(h: NodeDoor, email: string) {
  const res = await h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status, res.text).toBe(201);
  return { token: res.json.session_token as string, id: res.json.reader.id as string };
}

describe('account deletion on Node (libSQL) with a live Stripe subscription', () => {
  let b: BillingHarness;
  beforeAll(async () => {
    b = await startBillingHarness();
  });
  afterAll(async () => {
    await b.close();
  });

  it('cancels the subscription at Stripe at once, then erases the reader in one batch', async () => {
    const email = 'Leaving.Reader+paper@Example.com';
    const { token, id } = await signUp(b.h, email);
    const checkout = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
    expect(checkout.status, checkout.text).toBe(200);
    expect((await payCheckout(b.control, checkout.json.url)).ok).toBe(true);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const [linked] = await b.h.ctx.db.all<{ stripe_subscription_id: string; stripe_customer_id: string }>(
      sql`SELECT stripe_subscription_id, stripe_customer_id FROM memberships WHERE reader_id = ${id}`,
    );
    const subId = linked?.stripe_subscription_id ?? '';
    expect((await b.stripe.subscriptions.retrieve(subId)).status).toBe('trialing');
    const [hash] = await b.h.ctx.db.all<{ password_hash: string }>(
      sql`SELECT password_hash FROM readers WHERE id = ${id}`,
    );

    const del = await b.h.call('DELETE', '/v1/me', { token, body: { password: 'pass phrase 1' } });
    expect(del.status, del.text).toBe(204);
    const sub = await b.stripe.subscriptions.retrieve(subId);
    expect(sub.status).toBe('canceled');
    expect(sub.ended_at).not.toBeNull();
    // Stripe's own `customer.subscription.deleted` arrives later and finds nobody to change.
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);

    const everything = await wholeDatabase(b.h.ctx.db);
    for (const trace of [email, 'leaving.reader@example.com', hash?.password_hash ?? 'missing']) {
      expect(everything, trace).not.toContain(trace.toLowerCase());
    }
    const [membership] = await b.h.ctx.db.all<Record<string, unknown>>(
      sql`SELECT * FROM memberships WHERE reader_id = ${id}`,
    );
    expect(membership).toMatchObject({
      status: 'expired',
      stripe_customer_id: null,
      stripe_subscription_id: null,
    });
    expect((await b.h.call('GET', '/v1/me', { token })).status).toBe(401);
  });
});

describe('account deletion when Stripe fails', () => {
  let h: NodeDoor;
  let stripeDown: Server;
  beforeAll(async () => {
    stripeDown = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: 'down' } }));
    });
    await new Promise<void>((resolve) => stripeDown.listen(0, '127.0.0.1', resolve));
    const port = (stripeDown.address() as AddressInfo).port;
    h = await startNodeDoor({ STRIPE_API_BASE: `http://127.0.0.1:${port}`, LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    h.close();
    await new Promise<void>((resolve) => stripeDown.close(() => resolve()));
  });

  it('answers 503 and deletes nothing', async () => {
    const { token, id } = await signUp(h, 'stays@example.com');
    await h.ctx.db.run(
      sql`UPDATE memberships SET stripe_customer_id = 'cus_x', stripe_subscription_id = 'sub_x' WHERE reader_id = ${id}`,
    );
    const before = await h.ctx.db.all(sql`SELECT * FROM readers WHERE id = ${id}`);
    const del = await h.call('DELETE', '/v1/me', { token, body: { password: 'pass phrase 1' } });
    expect(del.status).toBe(503);
    expect(del.json).toMatchObject({ code: 'unavailable' });
    expect(del.text).not.toMatch(/cus_x|sk_test|api_error|down/);
    expect(await h.ctx.db.all(sql`SELECT * FROM readers WHERE id = ${id}`)).toEqual(before);
    expect((await h.call('GET', '/v1/me', { token })).status).toBe(200);
    const admin = await h.call('DELETE', `/v1/admin/members/${id}`, { token: h.env.ADMIN_API_KEY });
    expect(admin.status).toBe(503);
    const audit = await h.ctx.db.all(sql`SELECT * FROM audit_log WHERE target_id = ${id}`);
    expect(audit).toEqual([]);
  });
});
