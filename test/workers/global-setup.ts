import type { TestProject } from 'vitest/node';
import { startStripeEmulator } from '../../tools/stripe-emulator';
import { startWebhookReceiver } from './webhook-receiver';

declare module 'vitest' {
  export interface ProvidedContext {
    stripeEmulatorUrl: string;
    webhookReceiverUrl: string;
  }
}

/**
 * The Stripe emulator runs in Node beside workerd; the Worker reaches it over loopback HTTP with
 * the real stripe SDK. Webhooks are pulled by the tests and handed to the Worker's own fetch.
 */
export default async function setup(project: TestProject) {
  const emu = await startStripeEmulator({ port: 0, deliveryMode: 'pull', log: () => {} });
  project.provide('stripeEmulatorUrl', emu.url);
  // Outbound webhooks from the Worker land here (test/workers/webhooks.test.ts).
  const receiver = await startWebhookReceiver();
  project.provide('webhookReceiverUrl', receiver.url);
  return async () => {
    await emu.close();
    await receiver.close();
  };
}
