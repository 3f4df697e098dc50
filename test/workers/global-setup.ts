import type { TestProject } from 'vitest/node';
import { startStripeEmulator } from '../../tools/stripe-emulator';

declare module 'vitest' {
  export interface ProvidedContext {
    stripeEmulatorUrl: string;
  }
}

/**
 * The Stripe emulator runs in Node beside workerd; the Worker reaches it over loopback HTTP with
 * the real stripe SDK. Webhooks are pulled by the tests and handed to the Worker's own fetch.
 */
export default async function setup(project: TestProject) {
  const emu = await startStripeEmulator({ port: 0, deliveryMode: 'pull', log: () => {} });
  project.provide('stripeEmulatorUrl', emu.url);
  return async () => {
    await emu.close();
  };
}
