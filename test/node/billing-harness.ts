import Stripe from 'stripe';
import { type RunningStripeEmulator, startStripeEmulator } from '../../tools/stripe-emulator';
import { type CardDetails, EmulatorControl } from '../../tools/stripe-emulator/client';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

export interface BillingHarness {
  h: NodeDoor;
  /** The emulator itself, for what Stripe's API cannot be asked (e.g. the portal sessions made). */
  emu: RunningStripeEmulator;
  control: EmulatorControl;
  stripe: Stripe;
  emulatorNow(): number;
  /** Delivers every pending webhook to the service, as Stripe would; returns the HTTP statuses. */
  deliver(): Promise<number[]>;
  /** Every pending delivery at once, concurrently, started in Stripe's order or its reverse. */
  deliverAtOnce(order: 'forward' | 'reverse'): Promise<number[]>;
  close(): Promise<void>;
}

/** The Node door's app and a Stripe emulator sharing one clock; webhooks delivered by pull. */
export async function startBillingHarness(extraEnv: Record<string, string> = {}): Promise<BillingHarness> {
  const emu = await startStripeEmulator({ port: 0, deliveryMode: 'pull', log: () => {} });
  const h = await startNodeDoor(
    { STRIPE_API_BASE: emu.url, ...extraEnv },
    { clock: () => new Date(emu.emulator.now * 1000) },
  );
  const control = new EmulatorControl(emu.url);
  const stripe = new Stripe(h.ctx.config.stripe.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    host: '127.0.0.1',
    port: emu.port,
    protocol: 'http',
  });
  const post = async (payload: string, signature: string) => {
    const res = await h.app.request('http://127.0.0.1:8787/v1/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: payload,
    });
    return res.status;
  };
  return {
    h,
    emu,
    control,
    stripe,
    emulatorNow: () => emu.emulator.now,
    async deliver() {
      const results = await control.drainPull(post);
      return results.map((r) => r.status);
    },
    async deliverAtOnce(order) {
      const pending = await control.pendingDeliveries();
      if (order === 'reverse') pending.reverse();
      return Promise.all(
        pending.map(async (d) => {
          const status = await post(d.payload, d.signature_header);
          await control.reportDelivery(d.id, status);
          return status;
        }),
      );
    },
    async close() {
      h.close();
      await emu.close();
    },
  };
}

/** Submits the emulator's hosted checkout for a Checkout URL with a test card. */
export async function payCheckout(
  control: EmulatorControl,
  checkoutUrl: string,
  card: string | CardDetails = '4242424242424242',
) {
  const id = checkoutUrl.split('/').pop() ?? '';
  return control.completeCheckout(id, card);
}
