/**
 * @module The floor for webhook ingestion on this machine: a bare `node:http` server (no framework,
 * no ORM, no Stripe SDK, no validation, no logging) that does only the work every handled event
 * needs (`webhook-work.ts`): the Stripe signature checked with `node:crypto`, the subscription
 * re-fetched from the Stripe API (the emulator) over a keep-alive connection.
 * `bench/webhooks.bench.ts` measures the service against it in the same run.
 *
 *   node --import tsx bench/floor/webhook-server.ts <database file> <port> <Stripe API base URL>
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent, get } from 'node:http';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from '../../tools/stripe-emulator/constants';
import { serveBare } from './bare-server';
import { type StripeEvent, type Sub, webhookWork } from './webhook-work';

const [file, port, stripeBase] = process.argv.slice(2);
if (!file || !port || !stripeBase)
  throw new Error('usage: webhook-server.ts <database file> <port> <Stripe URL>');
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

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

const handle = webhookWork(file, {
  verifiedEvent: (header, body) => (verified(header, body) ? (JSON.parse(body) as StripeEvent) : null),
  fetchSubscription,
});

serveBare(Number(port), async (req, body) => ({
  status: await handle(String(req.headers['stripe-signature']), body),
  body: '{"received":true}',
}));
