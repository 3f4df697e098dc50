/**
 * @module The floor for webhook ingestion on this machine: a bare `node:http` server (no framework,
 * no ORM, no Stripe SDK, no validation, no logging) that does only the work every handled event
 * needs: check the Stripe signature, parse the event, look its id up for dedupe, re-fetch the
 * subscription from the Stripe API (the emulator, over a keep-alive connection), read the
 * membership, and write the new status with the processed-event record in one transaction, read
 * again and retried when a concurrent delivery moved the membership's version on first.
 * `bench/webhooks.bench.ts` measures it against its own bare health route.
 *
 *   node --import tsx bench/floor/webhook-server.ts <database file> <port> <Stripe API base URL>
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent, get } from 'node:http';
import Database from 'libsql';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from '../../tools/stripe-emulator/constants';
import { serveBare } from './bare-server';

const [file, port, stripeBase] = process.argv.slice(2);
if (!file || !port || !stripeBase)
  throw new Error('usage: webhook-server.ts <database file> <port> <Stripe URL>');
const db = new Database(file);
db.exec('PRAGMA journal_mode = WAL');
db.exec('PRAGMA synchronous = NORMAL');
const seen = db.prepare('SELECT 1 FROM stripe_events WHERE id = ?');
const membership = db.prepare(
  'SELECT reader_id, status, version FROM memberships WHERE reader_id = ? OR stripe_customer_id = ? LIMIT 1',
);
const update = db.prepare(
  'UPDATE memberships SET status = ?, stripe_subscription_id = ?, version = version + 1, last_event_id = ?, updated_at = ? WHERE reader_id = ? AND version = ?',
);
const record = db.prepare('INSERT OR IGNORE INTO stripe_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const HANDLED =
  /^(checkout\.session\.completed|customer\.subscription\.|invoice\.paid|invoice\.payment_failed)/;

interface Sub {
  id: string;
  status: string;
  customer: string;
  metadata?: { reader_id?: string };
}

function fetchSubscription(id: string): Promise<Sub> {
  return new Promise((resolve, reject) => {
    get(
      `${stripeBase}/v1/subscriptions/${id}`,
      { agent, headers: { authorization: `Bearer ${EMULATOR_SECRET_KEY}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Sub));
      },
    ).on('error', reject);
  });
}

function verified(header: string, body: string): boolean {
  const parts = new Map(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const expected = createHmac('sha256', EMULATOR_WEBHOOK_SECRET)
    .update(`${parts.get('t')}.${body}`)
    .digest();
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function subscriptionOf(event: { type: string; data: { object: Record<string, unknown> } }): string | null {
  const o = event.data.object;
  if (event.type === 'checkout.session.completed') return (o.subscription as string) ?? null;
  if (event.type.startsWith('customer.subscription.')) return o.id as string;
  const parent = o.parent as { subscription_details?: { subscription?: string } } | undefined;
  return parent?.subscription_details?.subscription ?? null;
}

async function handle(header: string, body: string): Promise<number> {
  if (!verified(header, body)) return 400;
  const event = JSON.parse(body) as {
    id: string;
    type: string;
    created: number;
    data: { object: Record<string, unknown> };
  };
  if (!HANDLED.test(event.type)) return 200;
  if (seen.get(event.id)) return 200;
  const subscriptionId = subscriptionOf(event);
  if (!subscriptionId) return 200;
  // A concurrent delivery about the same membership may move its version on between the read and
  // the write: then the write lands nothing, and the event is read again and retried, as it must be
  // (recording it unapplied would lose the change).
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0 && seen.get(event.id)) return 200;
    const sub = await fetchSubscription(subscriptionId);
    const now = Math.floor(Date.now() / 1000);
    const row = membership.get(sub.metadata?.reader_id ?? null, sub.customer) as
      | { reader_id: string; status: string; version: number }
      | undefined;
    db.exec('BEGIN IMMEDIATE');
    try {
      if (row && update.run(sub.status, sub.id, event.id, now, row.reader_id, row.version).changes === 0) {
        db.exec('ROLLBACK');
        continue;
      }
      const outcome = row ? 'applied' : 'unmatched';
      record.run(
        event.id,
        event.type,
        event.created,
        row?.reader_id ?? null,
        outcome,
        row?.status ?? null,
        sub.status,
        'webhook',
        now,
      );
      db.exec('COMMIT');
      return 200;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
  return 500;
}

serveBare(Number(port), async (req, body) => ({
  status: await handle(String(req.headers['stripe-signature']), body),
  body: '{"received":true}',
}));
