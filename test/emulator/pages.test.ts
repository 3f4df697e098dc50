/** @module Hosted checkout page and billing portal, driven like a browser without JavaScript. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../tools/stripe-emulator/constants';
import { checkoutSession, DAY, type Harness, postForm, startHarness, T0 } from './helpers';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emu.close();
});
beforeEach(async () => {
  await h.control.reset(T0);
});

const card = (number: string) => ({ number, exp: '12 / 34', cvc: '123', name: 'Ada Lovelace' });

/** The `action` of the form whose path ends with `suffix`, resolved against the emulator. */
function formAction(html: string, suffix: string): string {
  const match = new RegExp(`action="([^"]*${suffix})"`).exec(html);
  if (!match?.[1]) throw new Error(`no form ending in ${suffix}`);
  return `${h.emu.url}${match[1]}`;
}

describe('hosted checkout page', () => {
  it('shows the plan, the price, the trial end and labelled card fields', async () => {
    const { session } = await checkoutSession(h.stripe, { trialEnd: T0 + 14 * DAY });
    const res = await fetch(session.url ?? '');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('Local Stripe emulator');
    expect(html).toContain('$9.99 per month');
    expect(html).toContain('16 November 2026');
    for (const field of ['number', 'exp', 'cvc', 'name']) {
      expect(html).toContain(`<label for="${field}">`);
      expect(html).toContain(`id="${field}" name="${field}"`);
    }
    expect(html).toContain('href="http://127.0.0.1:8787/subscribe"');
    expect(html).not.toContain('<script');
  });

  it('re-renders with an alert when 0341 must pay now, leaving an incomplete subscription', async () => {
    const { session } = await checkoutSession(h.stripe);
    const res = await postForm(session.url ?? '', card('4000 0000 0000 0341'));
    expect(res.status).toBe(402);
    const html = await res.text();
    expect(html).toMatch(/<div class="alert" role="alert" id="form-error">Your card was declined\.<\/div>/);
    expect(html).toContain('aria-invalid="true"');
    const subs = (await h.stripe.subscriptions.list({ status: 'all' })).data;
    expect(subs.map((s) => s.status)).toEqual(['incomplete']);

    const invalid = await postForm(session.url ?? '', card('1234 5678 9012 3456'));
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('Your card number is invalid.');
  });

  it('completes with 4242 and redirects to success_url', async () => {
    const { session } = await checkoutSession(h.stripe);
    const res = await postForm(session.url ?? '', card(TEST_CARDS.success));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`http://127.0.0.1:8787/account?session_id=${session.id}`);
    const subs = await h.stripe.subscriptions.list();
    expect(subs.data.map((s) => s.status)).toEqual(['active']);
    const again = await fetch(session.url ?? '');
    expect(await again.text()).toContain('This checkout is complete');
  });
});

describe('billing portal page', () => {
  it('cancels at period end, resumes and refuses a declined card', async () => {
    const { session, customer } = await checkoutSession(h.stripe);
    await h.control.completeCheckout(session.id);
    const portal = await h.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'http://127.0.0.1:8787/account',
    });
    expect(portal.url).toBe(`${h.emu.url}/portal/${portal.id}`);
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain('Renews on 2 December 2026.');
    expect(html).toContain('Visa ending in 4242');
    expect(html).toContain('href="http://127.0.0.1:8787/account"');
    const subscription = /name="subscription" value="(sub_[A-Za-z0-9]+)"/.exec(html)?.[1] ?? '';

    const cancel = await postForm(formAction(html, '/cancel-at-period-end'), { subscription });
    expect(cancel.status).toBe(303);
    const back = await fetch(`${h.emu.url}${cancel.headers.get('location')}`);
    const afterCancel = await back.text();
    expect(afterCancel).toContain('role="status"');
    expect(afterCancel).toContain('Cancels on 2 December 2026');
    expect(await h.stripe.subscriptions.retrieve(subscription)).toMatchObject({ cancel_at_period_end: true });
    const [updated] = (await h.stripe.events.list({ type: 'customer.subscription.updated', limit: 1 })).data;
    expect(updated?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false, cancel_at: null });

    await postForm(formAction(afterCancel, '/resume'), { subscription });
    expect(await h.stripe.subscriptions.retrieve(subscription)).toMatchObject({
      cancel_at_period_end: false,
    });

    const declined = await postForm(formAction(html, '/card'), card(TEST_CARDS.declined));
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('role="alert" id="form-error">Your card was declined.');
    const replaced = await postForm(formAction(html, '/card'), card(TEST_CARDS.chargeFails));
    expect(replaced.status).toBe(303);
    expect((await h.stripe.customers.retrieve(customer.id)) as { invoice_settings: unknown }).toMatchObject({
      invoice_settings: { default_payment_method: expect.stringMatching(/^pm_/) },
    });
  });

  it('pays an open invoice and cancels now', async () => {
    const { session, customer } = await checkoutSession(h.stripe);
    const done = await h.control.completeCheckout(session.id);
    if (!done.ok) throw new Error(done.error.message);
    await h.control.failNextCharge(done.subscription.id);
    await h.control.advance({ seconds: 31 * DAY });
    const portal = await h.stripe.billingPortal.sessions.create({ customer: customer.id });
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain('Your last payment failed.');
    expect(html).toContain('Pay $9.99 now');
    const paid = await postForm(formAction(html, '/pay'), { subscription: done.subscription.id });
    expect(paid.status).toBe(303);
    expect((await h.stripe.subscriptions.retrieve(done.subscription.id)).status).toBe('active');
    await postForm(formAction(html, '/cancel-now'), { subscription: done.subscription.id });
    const canceled = await h.stripe.subscriptions.retrieve(done.subscription.id);
    expect(canceled).toMatchObject({ status: 'canceled', ended_at: T0 + 31 * DAY });
  });
});
