/**
 * @module The mandated work of one webhook delivery, shared by the floors that serve it (bare
 * `node:http`, and the house stack without the service's code): parse the event, look its id up for
 * dedupe, re-fetch the subscription, read the membership, and write the new status with the
 * processed-event record in one transaction, read again and retried when a concurrent delivery
 * moved the membership's version on first. How the signature is checked and the subscription
 * fetched is each floor's own.
 */
import Database from 'libsql';

export interface Sub {
  id: string;
  status: string;
  customer: string;
  metadata?: { reader_id?: string } | null;
}

export interface StripeEvent {
  id: string;
  type: string;
  created: number;
  data: { object: Record<string, unknown> };
}

export interface WebhookWays {
  /** The event, when the Stripe-Signature header signs the body; else null. */
  verifiedEvent(header: string, body: string): StripeEvent | null;
  fetchSubscription(id: string): Promise<Sub>;
}

/** The handler of one delivery: its HTTP status. */
export function webhookWork(
  file: string,
  ways: WebhookWays,
): (header: string, body: string) => Promise<number> {
  const { verifiedEvent, fetchSubscription } = ways;
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
  return async (header: string, body: string): Promise<number> => {
    const event = verifiedEvent(header, body);
    if (!event) return 400;
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
  };
}

const HANDLED =
  /^(checkout\.session\.completed|customer\.subscription\.|invoice\.paid|invoice\.payment_failed)/;

function subscriptionOf(event: StripeEvent): string | null {
  const o = event.data.object;
  if (event.type === 'checkout.session.completed') return (o.subscription as string) ?? null;
  if (event.type.startsWith('customer.subscription.')) return o.id as string;
  const parent = o.parent as { subscription_details?: { subscription?: string } } | undefined;
  return parent?.subscription_details?.subscription ?? null;
}
