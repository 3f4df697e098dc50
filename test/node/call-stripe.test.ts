/**
 * callStripe starts each Stripe SDK request with stack traces off (the SDK formats one per request
 * for errors it may report later) and restores the limit whatever the call does; the call itself
 * still succeeds, fails or finds nothing as before. On the real SDK against the Stripe emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/app/errors';
import { callStripe, callStripeUnlessMissing } from '../../src/features/billing/stripe';
import { type RunningStripeEmulator, startStripeEmulator } from '../../tools/stripe-emulator';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let emu: RunningStripeEmulator;
let h: NodeDoor;
beforeAll(async () => {
  emu = await startStripeEmulator({ port: 0, deliveryMode: 'pull', log: () => {} });
  h = await startNodeDoor({ STRIPE_API_BASE: emu.url });
});
afterAll(async () => {
  h.close();
  await emu.close();
});

describe('callStripe', () => {
  it('starts the SDK call without a stack and restores the limit after it answers', async () => {
    const limit = Error.stackTraceLimit;
    let started = '';
    const prices = await callStripe(h.ctx, 'prices.list', (stripe) => {
      started = new Error('at the start').stack ?? '';
      return stripe.prices.list({ limit: 3 });
    });
    expect(prices.data.length).toBeGreaterThan(0);
    expect(started).toBe('Error: at the start');
    expect(Error.stackTraceLimit).toBe(limit);
    // Outside the call's start, stacks are whole again.
    expect(new Error('after').stack?.split('\n').length).toBeGreaterThan(1);
  });

  it('keeps a missing object a null, or a 503 where it must exist, with the limit restored', async () => {
    const limit = Error.stackTraceLimit;
    const missing = await callStripeUnlessMissing(h.ctx, 'subscriptions.retrieve', (stripe) =>
      stripe.subscriptions.retrieve('sub_does_not_exist'),
    );
    expect(missing).toBeNull();
    const refused = await callStripe(h.ctx, 'subscriptions.retrieve', (stripe) =>
      stripe.subscriptions.retrieve('sub_does_not_exist'),
    ).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('unavailable');
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it('restores the limit when the call throws before it sends anything', async () => {
    const limit = Error.stackTraceLimit;
    const thrown = await callStripe(h.ctx, 'broken', () => {
      throw new TypeError('no request made');
    }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(thrown).toBeInstanceOf(ApiError);
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
