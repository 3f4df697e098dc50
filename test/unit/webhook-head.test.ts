/**
 * The id and type of a Stripe event read from its raw JSON: exact for the layout Stripe (and the
 * emulator) writes, and never different from what parsing says, for any JSON text (property-based).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventHead } from '../../src/features/billing/webhook/head';

const stripeLaidOut = (
  type: string,
  data: unknown = { object: { id: 'sub_1', object: 'subscription' } },
) => ({
  id: 'evt_1Q2w3E4r5T6y7U8i',
  object: 'event',
  api_version: '2025-03-31.basil',
  created: 1_796_000_000,
  data,
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  type,
});

describe('eventHead', () => {
  it("reads Stripe's layout, pretty or compact", () => {
    const event = stripeLaidOut('customer.subscription.updated');
    for (const text of [
      JSON.stringify(event, null, 2),
      JSON.stringify(event),
      `\n ${JSON.stringify(event)}\n`,
    ]) {
      expect(eventHead(text)).toEqual({ id: 'evt_1Q2w3E4r5T6y7U8i', type: 'customer.subscription.updated' });
    }
    // A large payload: the type is still found at its end.
    const big = stripeLaidOut('invoice.paid', { object: { lines: 'x'.repeat(100_000) } });
    expect(eventHead(JSON.stringify(big, null, 2))?.type).toBe('invoice.paid');
  });

  it('gives up (null) on any other layout, and the payload is parsed instead', () => {
    const { id, type, ...rest } = stripeLaidOut('invoice.paid');
    expect(eventHead(JSON.stringify({ ...rest, id, type }))).toBeNull(); // id not first
    expect(eventHead(JSON.stringify({ id, type, ...rest }))).toBeNull(); // type not last
    expect(eventHead(JSON.stringify({ id: 'ch_1', ...rest, type }))).toBeNull(); // not an event id
    expect(eventHead(JSON.stringify({ id, ...rest, type: 'Invoice.Paid"' }))).toBeNull();
    expect(eventHead('')).toBeNull();
    expect(eventHead('not json')).toBeNull();
  });

  it('never takes a nested "type" or one inside a string for the event\'s', () => {
    // The last member is an object whose own last member is "type".
    expect(eventHead('{"id":"evt_1","data":{"type":"invoice.paid"}}')).toBeNull();
    // A string that ends with what looks like a type member.
    expect(eventHead(JSON.stringify({ id: 'evt_1', note: ', "type": "invoice.paid" }' }))).toBeNull();
    expect(eventHead(JSON.stringify({ id: 'evt_1', note: '", "type": "invoice.paid"}' }))).toBeNull();
  });

  it('agrees with JSON.parse on any JSON object text it reads (property)', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('id', 'type', 'data', 'object'));
    const member = fc.tuple(key, fc.oneof(fc.jsonValue(), fc.constantFrom('evt_x1', 'invoice.paid')));
    fc.assert(
      fc.property(fc.array(member, { maxLength: 8 }), fc.constantFrom(undefined, 2), (members, indent) => {
        const text = JSON.stringify(Object.fromEntries(members), null, indent);
        const head = eventHead(text);
        if (head === null) return;
        const parsed = JSON.parse(text) as { id: unknown; type: unknown };
        expect(head).toEqual({ id: parsed.id, type: parsed.type });
      }),
      { numRuns: 2000 },
    );
    // And whenever the id comes first and the type last, it reads them.
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_]{1,30}$/),
        fc.stringMatching(/^[a-z0-9_.]{1,60}$/),
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 }),
        (id, type, middle) => {
          // Prefixed keys: integer-like ones would be ordered before `id` by JavaScript itself.
          const rest = Object.fromEntries(Object.entries(middle).map(([k, v]) => [`k${k}`, v]));
          const text = JSON.stringify({ id: `evt_${id}`, ...rest, type }, null, 2);
          expect(eventHead(text)).toEqual({ id: `evt_${id}`, type });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
