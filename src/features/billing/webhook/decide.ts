/**
 * @module What applying an event amounts to, decided from the handler's change alone: whether the
 * membership row changes, the outcome, and the record of the processed event. No I/O.
 */
import type Stripe from 'stripe';
import { type MembershipRow, membershipColumns, toMembership } from '../../../db/memberships';
import type { stripeEvents } from '../../../db/schema';
import type { Membership } from '../../../domain/membership';
import type { Change } from './handlers';

export type EventOutcome = 'applied' | 'unchanged' | 'ignored' | 'unmatched' | 'duplicate';
export type EventSource = 'webhook' | 'reconcile' | 'retry';

export interface Decision {
  /** `applied` when the row changes; `unchanged` when it matched and nothing differs; `unmatched`. */
  outcome: Exclude<EventOutcome, 'ignored' | 'duplicate'>;
  /** The row as read, when the event matched one. */
  before: MembershipRow | null;
  /** The processed-event row to store. */
  record: typeof stripeEvents.$inferInsert;
}

const comparable = (value: unknown) => (value instanceof Date ? value.getTime() : value);

/** Whether two memberships write the same columns (times compared by their instant). */
function same(a: Membership, b: Membership): boolean {
  const x = membershipColumns(a);
  const y = membershipColumns(b);
  for (const key in x) {
    const column = key as keyof typeof x;
    if (comparable(x[column]) !== comparable(y[column])) return false;
  }
  return true;
}

/** Whether the change alters the membership or any Stripe link the row holds. */
function changes(before: MembershipRow, current: Membership, change: Change): boolean {
  if (change.next !== null && !same(current, change.next)) return true;
  return Object.entries(change.links ?? {}).some(
    ([key, value]) => comparable(before[key as keyof MembershipRow]) !== comparable(value),
  );
}

export function decide(event: Stripe.Event, change: Change, source: EventSource, now: Date): Decision {
  const before = change.target?.row ?? null;
  const current = toMembership(before);
  const outcome =
    before === null || current === null
      ? 'unmatched'
      : changes(before, current, change)
        ? 'applied'
        : 'unchanged';
  return {
    outcome,
    before,
    record: {
      id: event.id,
      type: event.type,
      stripeCreatedAt: new Date(event.created * 1000),
      readerId: before?.readerId ?? null,
      outcome,
      statusBefore: current?.status ?? null,
      statusAfter: (change.next ?? current)?.status ?? null,
      source,
      processedAt: now,
    },
  };
}
