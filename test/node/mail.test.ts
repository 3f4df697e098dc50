import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runScheduledJobs } from '../../src/app/jobs';
import { deliverOutbox, MAX_MAIL_ATTEMPTS, senderFor } from '../../src/features/mail';
import { type BillingHarness, startBillingHarness } from './billing-harness';

/** The email provider, faked at its HTTP edge: records what it is sent, answers as told. */
interface FakeProvider {
  server: Server;
  url: string;
  status: number;
  received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[];
}

async function startFakeProvider(): Promise<FakeProvider> {
  const fake: FakeProvider = { server: createServer(), url: '', status: 200, received: [] };
  fake.server.on('request', (req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      fake.received.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(fake.status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          fake.status < 300 ? { id: `email_${fake.received.length}` } : { message: 'provider down' },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/emails`;
  return fake;
}

let fake: FakeProvider;
let b: BillingHarness;

beforeAll(async () => {
  fake = await startFakeProvider();
  b = await startBillingHarness({
    MAIL_API_URL: fake.url,
    MAIL_API_KEY: 're_test_secret_key',
    MAIL_FROM: 'OnePass <no-reply@onepass.example>',
  });
});
afterAll(async () => {
  await b.close();
  await new Promise<void>((resolve) => fake.server.close(() => resolve()));
});
beforeEach(() => {
  fake.status = 200;
  fake.received = [];
});

async function readerWithResetMail(email: string) {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status).toBe(201);
  // This suite follows the reset mail alone: the welcome mail of the sign-up leaves the outbox.
  await b.h.ctx.db.run(sql`DELETE FROM outbox WHERE template = 'welcome'`);
  expect((await b.h.call('POST', '/v1/password-resets', { body: { email } })).status).toBe(202);
  const [mail] = await b.h.ctx.db.all<{ id: string }>(
    sql`SELECT id FROM outbox WHERE to_address = ${email} AND template = 'password_reset'`,
  );
  return mail?.id ?? '';
}

/** Waits (up to 5 s) for the delivery started after the answer to have made its first attempt. */
async function firstAttempt(id: string) {
  for (let i = 0; i < 100; i++) {
    const row = await outboxRow(id);
    if (row && row.attempts > 0) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`mail ${id} was never attempted`);
}

async function outboxRow(id: string) {
  const [row] = await b.h.ctx.db.all<{
    status: string;
    attempts: number;
    next_attempt_at: number;
    last_error: string;
  }>(sql`SELECT * FROM outbox WHERE id = ${id}`);
  return row;
}

describe('the HTTP mail sender against a local fake provider', () => {
  it('sends right after the answer, once: JSON with Bearer key and an idempotency key, text and HTML; the link works', async () => {
    const id = await readerWithResetMail('mail.ok@example.com');
    expect((await firstAttempt(id))?.status).toBe('sent');
    // The scheduled run does not send it again.
    const run = await runScheduledJobs(b.h.ctx);
    expect(run.mail).toEqual({ sent: 0, failed: 0, dead: 0 });
    expect(fake.received).toHaveLength(1);
    const [request] = fake.received;
    expect(request?.headers.authorization).toBe('Bearer re_test_secret_key');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe(id);
    expect(request?.body).toMatchObject({
      from: 'OnePass <no-reply@onepass.example>',
      to: 'mail.ok@example.com',
      subject: 'Reset your OnePass password',
    });
    expect(Object.keys(request?.body ?? {}).sort()).toEqual(['from', 'html', 'subject', 'text', 'to']);
    expect(String(request?.body.html)).toMatch(
      /^<!doctype html>.*<a href="http:\/\/127\.0\.0\.1:8787\/reset-password\?token=/s,
    );
    expect((await outboxRow(id))?.status).toBe('sent');

    const link = /http:\/\/127\.0\.0\.1:8787\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(
      String(request?.body.text),
    );
    expect(link).not.toBeNull();
    const confirm = await b.h.call('POST', '/v1/password-resets/confirm', {
      body: { token: link?.[1], password: 'a whole new passphrase' },
    });
    expect(confirm.status).toBe(204);
  });

  it('retries a failing provider with backoff (1, 2, 4, 8, 16 minutes), then dead-letters', async () => {
    fake.status = 500;
    const id = await readerWithResetMail('mail.down@example.com');
    const sender = senderFor(b.h.ctx);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_MAIL_ATTEMPTS; attempt++) {
      // The first attempt is made right after the answer; the scheduled run makes the others.
      const result = attempt === 1 ? { failed: 1, dead: 0 } : await deliverOutbox(b.h.ctx, sender);
      const row = attempt === 1 ? await firstAttempt(id) : await outboxRow(id);
      expect(row?.attempts).toBe(attempt);
      expect(row?.last_error).toContain('mail API answered 500');
      expect(row?.last_error).not.toContain('re_test_secret_key');
      if (attempt === MAX_MAIL_ATTEMPTS) {
        expect(result.dead).toBe(1);
        expect(row?.status).toBe('dead');
        break;
      }
      expect(result.failed).toBe(1);
      expect(row?.status).toBe('pending');
      const now = b.emulatorNow();
      waits.push((row?.next_attempt_at ?? 0) - now);
      // Not due yet: nothing is sent before the backoff has passed.
      expect((await deliverOutbox(b.h.ctx, sender)).failed).toBe(0);
      await b.control.advance({ to: row?.next_attempt_at ?? now });
    }
    expect(waits).toEqual([60, 120, 240, 480, 960]);
    expect(fake.received).toHaveLength(MAX_MAIL_ATTEMPTS);
    // Dead letters stay dead.
    fake.status = 200;
    await b.control.advance({ seconds: 3600 });
    expect(await deliverOutbox(b.h.ctx, sender)).toEqual({ sent: 0, failed: 0, dead: 0 });
  });
});
