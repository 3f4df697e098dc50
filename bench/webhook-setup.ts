/**
 * @module What the webhook benchmarks deliver: the Stripe emulator in its own process (pull mode,
 * frozen clock), and readers who each subscribe through Checkout and see their trial end, which
 * leaves Stripe's own events pending for delivery. Used over HTTP by webhooks.bench.ts and in
 * process by profile-webhooks.ts.
 */
import { freePort } from '../tools/free-port';
import { EmulatorControl, type SignedDelivery } from '../tools/stripe-emulator/client';
import { startScript } from './server';

export async function startEmulator(): Promise<{
  url: string;
  control: EmulatorControl;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--mode', 'pull', '--frozen-clock', '--quiet'];
  const child = await startScript('tools/stripe-emulator/cli.ts', args, `${url}/v1/prices`, {
    init: { headers: { authorization: 'Bearer x' } },
  });
  return { url, control: new EmulatorControl(url), stop: child.stop };
}

/** A JSON POST to the service, with a session token or none; its parsed answer. */
export type Post = (path: string, body: unknown, token?: string) => Promise<Record<string, unknown>>;

/**
 * `readers` readers sign up, start Checkout and complete it with a card; then 15 days pass (trials
 * end: invoices, charges, updates). Returns the deliveries pending, each signed, in Stripe's order.
 */
export async function subscribeReaders(
  post: Post,
  control: EmulatorControl,
  readers: number,
): Promise<SignedDelivery[]> {
  process.stdout.write(`  setting up ${readers} subscriptions through the emulator`);
  for (let i = 0; i < readers; i++) {
    const reader = await post('/v1/readers', { email: `hook${i}@example.com`, password: 'bench password' });
    const { url } = await post('/v1/me/checkout', { plan: 'monthly' }, String(reader.session_token));
    await control.completeCheckout(String(url).split('/').pop() ?? '', '4242424242424242');
    if (i % 20 === 19) process.stdout.write('.');
  }
  await control.advance({ seconds: 15 * 86_400 });
  const deliveries = await control.pendingDeliveries();
  process.stdout.write(` ${deliveries.length} deliveries\n`);
  return deliveries;
}
