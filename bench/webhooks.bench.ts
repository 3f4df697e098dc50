/**
 * @module Webhook ingestion: Stripe events applied per second (signature, dedupe, re-fetch from the
 * emulator, batch write on a libSQL file) relative to the health route, same server, same client.
 */
import { startStripeEmulator } from '../tools/stripe-emulator';
import { EmulatorControl, type SignedDelivery } from '../tools/stripe-emulator/client';
import { target } from './lib';
import { json, startServer } from './server';

const READERS = Number(process.env.BENCH_WEBHOOK_READERS ?? 60);
const CONCURRENCY = 8;
const emu = await startStripeEmulator({ port: 0, deliveryMode: 'pull', log: () => {} });
const control = new EmulatorControl(emu.url);
const server = await startServer({ STRIPE_API_BASE: emu.url, LIMIT_SIGNUPS: '0/1h' });

for (let i = 0; i < READERS; i++) {
  const reader = await json(`${server.url}/v1/readers`, {
    method: 'POST',
    body: { email: `hook${i}@example.com`, password: 'bench password' },
  });
  const { url } = await json(`${server.url}/v1/me/checkout`, {
    method: 'POST',
    token: reader.session_token,
    body: { plan: 'monthly' },
  });
  await control.completeCheckout(String(url).split('/').pop() ?? '', '4242424242424242');
}
await control.advance({ seconds: 15 * 86_400 }); // trials end: invoices, charges, updates
const deliveries = await control.pendingDeliveries();

async function pool<T>(items: T[], worker: (item: T) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await worker(item);
      }
    }),
  );
  return (items.length * 1000) / (performance.now() - started);
}

let failures = 0;
const deliver = async (d: SignedDelivery) => {
  const res = await fetch(`${server.url}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': d.signature_header },
    body: d.payload,
  });
  await res.arrayBuffer();
  if (res.status !== 200) failures++;
};
const health = async () => {
  const res = await fetch(`${server.url}/health`);
  await res.arrayBuffer();
};

const healthRate = await pool(
  Array.from({ length: deliveries.length * 2 }, () => 0),
  health,
);
const firstRate = await pool(deliveries, deliver);
const dupRate = await pool(deliveries, deliver);
const healthRate2 = await pool(
  Array.from({ length: deliveries.length * 2 }, () => 0),
  health,
);
const baseline = (healthRate + healthRate2) / 2;

console.log(
  `\nWebhook ingestion (${deliveries.length} events from ${READERS} subscriptions, ${CONCURRENCY} in flight, libSQL file)`,
);
console.log(
  `  GET /health (baseline, same client)   ${Math.round(baseline).toLocaleString('en-US').padStart(7)} req/s   1.00×`,
);
console.log(
  `  events applied (first delivery)       ${Math.round(firstRate).toLocaleString('en-US').padStart(7)} ev/s    ${(firstRate / baseline).toFixed(2)}×`,
);
console.log(
  `  duplicates (dedupe only)              ${Math.round(dupRate).toLocaleString('en-US').padStart(7)} ev/s    ${(dupRate / baseline).toFixed(2)}×`,
);
console.log(`  non-200 answers: ${failures}`);
target('webhook events / health', firstRate / baseline, 0.2);
await server.stop();
await emu.close();
