/**
 * Issue 15, what real Stripe does with subscriptions, reproduced through the emulator (which
 * produces it as Stripe does) and handled: two Checkout sessions completed (item 3), an
 * `incomplete` subscription (item 4), `paused` and `incomplete_expired` (item 5), and a Stripe
 * trial cut short by `customer.deleted` (item 2b).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MORE_TEST_CARDS } from '../../tools/stripe-emulator/cards';
import { EMULATOR_PRICE_MONTHLY, TEST_CARDS } from '../../tools/stripe-emulator/constants';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';
import { subscriptionStories } from './subscription-stories';

const HOUR = 3600;
const DAY = 86_400;
let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness();
});
afterAll(async () => {
  await b.close();
});

const story = subscriptionStories(() => b);

describe('item 3: two Checkout sessions', () => {
  it('opening a second expires the first: it can no longer complete, one subscription only', async () => {
    const { token, readerId } = await story.signUp('two.tabs@example.com');
    const first = await story.checkout(token);
    const second = await story.checkout(token);
    const firstId = first.split('/').pop() ?? '';
    expect((await b.stripe.checkout.sessions.retrieve(firstId)).status).toBe('expired');
    const late = await payCheckout(b.control, first);
    expect(late).toMatchObject({ ok: false, error: { code: 'session_expired' } });
    expect((await payCheckout(b.control, second)).ok).toBe(true);
    await story.deliverOk();
    const { stripe_customer_id: customer } = await story.row(readerId);
    const subs = await b.stripe.subscriptions.list({ customer: customer ?? '', status: 'all' });
    expect(subs.data.map((s) => s.status)).toEqual(['trialing']);
  });

  it('both completed during the trial: the newer is canceled at once, nothing charged, audited; one charge at trial end', async () => {
    const { email, readerId, customer, trialEnd, older, newer } =
      await story.twoTrialSubscriptions('two.trials@example.com');
    await story.deliverOk();

    expect((await b.stripe.subscriptions.retrieve(newer)).status).toBe('canceled');
    expect((await b.stripe.subscriptions.retrieve(older)).status).toBe('trialing');
    expect((await story.row(readerId)).stripe_subscription_id).toBe(older);
    const view = await story.me(email);
    expect(view.membership.status).toBe('active');
    expect(view.entitlement.entitled).toBe(true);
    const [entry, ...more] = (await story.audits(readerId)).filter(
      (r) => r.action === 'member.duplicate_subscription_ended',
    );
    expect(more).toHaveLength(0);
    expect(entry?.actor_key_id).toBe('stripe');
    expect(JSON.parse(entry?.before ?? '{}')).toMatchObject({
      subscription: newer,
      status: 'trialing',
      kept: older,
    });
    expect(JSON.parse(entry?.after ?? '{}')).toMatchObject({ status: 'canceled', refunded_amount: 0 });

    await b.control.advance({ to: trialEnd + HOUR });
    await story.deliverOk();
    const charges = (await b.stripe.charges.list({ customer: customer ?? '' })).data;
    expect(charges).toHaveLength(1);
    expect((await story.me(email)).entitlement.entitled).toBe(true);
  });

  it.each(['forward', 'reverse'] as const)(
    'both completed, every event delivered at once (%s): the newer is canceled, once, and the membership follows the older',
    async (order) => {
      const { email, readerId, older, newer } = await story.twoTrialSubscriptions(
        `two.at.once.${order}@example.com`,
      );
      // Both subscriptions' events race for a membership linked to neither yet.
      expect((await b.deliverAtOnce(order)).filter((s) => s !== 200)).toEqual([]);
      await story.deliverOk(); // what ending the newer one sent

      expect((await b.stripe.subscriptions.retrieve(newer)).status).toBe('canceled');
      expect((await b.stripe.subscriptions.retrieve(older)).status).toBe('trialing');
      expect((await story.row(readerId)).stripe_subscription_id).toBe(older);
      expect((await story.me(email)).entitlement.entitled).toBe(true);
      const ended = (await story.audits(readerId)).filter(
        (r) => r.action === 'member.duplicate_subscription_ended',
      );
      expect(ended.map((r) => JSON.parse(r.before).subscription)).toEqual([newer]);
    },
  );

  it('both completed and charged (no trial left): the newer is canceled and its payment refunded, audited so', async () => {
    const { email, token, readerId } = await story.readerWithoutTrial('two.paid@example.com');
    const url = await story.checkout(token);
    const { stripe_customer_id: customer } = await story.row(readerId);
    const racing = await story.concurrentSession(readerId, customer ?? '', null);
    const a = await payCheckout(b.control, url);
    await b.control.advance({ seconds: 1 });
    const c = await b.control.completeCheckout(racing.id, TEST_CARDS.success);
    expect(a.ok && c.ok).toBe(true);
    const older = a.ok ? a.subscription.id : '';
    const newer = c.ok ? c.subscription.id : '';
    await story.deliverOk();

    expect((await b.stripe.subscriptions.retrieve(newer)).status).toBe('canceled');
    expect((await b.stripe.subscriptions.retrieve(older)).status).toBe('active');
    const charges = (await b.stripe.charges.list({ customer: customer ?? '' })).data;
    expect(charges.map((ch) => ch.amount_refunded).sort()).toEqual([0, 999]);
    const view = await story.me(email);
    expect(view.membership.status).toBe('active');
    expect(view.entitlement.entitled).toBe(true);
    expect((await story.row(readerId)).stripe_subscription_id).toBe(older);
    const entry = (await story.audits(readerId)).find(
      (r) => r.action === 'member.duplicate_subscription_ended',
    );
    expect(JSON.parse(entry?.after ?? '{}')).toMatchObject({ subscription: newer, refunded_amount: 999 });
  });
});

describe('item 4: an incomplete subscription does not lock the reader out', () => {
  it.each([
    ['generic decline', TEST_CARDS.declined, true],
    ['insufficient funds', MORE_TEST_CARDS.insufficientFunds, true],
    ['3-D Secure abandoned', MORE_TEST_CARDS.authenticate, false],
    ['3-D Secure 2 abandoned', MORE_TEST_CARDS.authenticate3ds2, false],
  ])(
    '%s: incomplete, not entitled; checking out again works and ends the stale one',
    async (_label, number, charged) => {
      const { email, token, readerId } = await story.readerWithoutTrial(`incomplete.${number}@example.com`);
      const url = await story.checkout(token);
      const failed = await b.control.completeCheckout(url.split('/').pop() ?? '', {
        number,
        authenticate: false,
      });
      expect(failed.ok).toBe(false);
      await story.deliverOk();
      const { stripe_customer_id: customer } = await story.row(readerId);
      const [stale] = (await b.stripe.subscriptions.list({ customer: customer ?? '' })).data;
      expect(stale?.status).toBe('incomplete');
      expect((await b.stripe.charges.list({ customer: customer ?? '' })).data.length > 0).toBe(charged);
      expect((await story.me(email)).entitlement.entitled).toBe(false);

      // Today's 409 "manage it in the portal" is gone: the reader pays again.
      const again = await b.h.call('POST', '/v1/me/checkout', {
        token: await story.signIn(email),
        body: { plan: 'monthly' },
      });
      expect(again.status, again.text).toBe(200);
      expect((await b.stripe.subscriptions.retrieve(stale?.id ?? '')).status).not.toBe('incomplete');
      expect((await payCheckout(b.control, again.json.url as string)).ok).toBe(true);
      await story.deliverOk();
      const live = (await b.stripe.subscriptions.list({ customer: customer ?? '' })).data;
      expect(live.map((s) => s.status)).toEqual(['active']);
      const view = await story.me(email);
      expect(view.membership.status).toBe('active');
      expect(view.entitlement.entitled).toBe(true);
    },
  );

  it('left alone, it turns incomplete_expired after 23 hours and entitles to nothing', async () => {
    const { email, token, readerId } = await story.readerWithoutTrial('incomplete.expired@example.com');
    const url = await story.checkout(token);
    expect((await payCheckout(b.control, url, TEST_CARDS.declined)).ok).toBe(false);
    await story.deliverOk();
    const { stripe_customer_id: customer } = await story.row(readerId);
    const [stale] = (await b.stripe.subscriptions.list({ customer: customer ?? '' })).data;
    await b.control.advance({ seconds: 23 * HOUR + 60 });
    await story.deliverOk();
    expect((await b.stripe.subscriptions.retrieve(stale?.id ?? '')).status).toBe('incomplete_expired');
    expect((await story.me(email)).entitlement).toMatchObject({ entitled: false });
    expect(
      (
        await b.h.call('POST', '/v1/me/checkout', {
          token: await story.signIn(email),
          body: { plan: 'monthly' },
        })
      ).status,
    ).toBe(200);
  });
});

describe('item 5: paused and incomplete_expired are not entitled', () => {
  /** A Checkout that collects a card only if required and pauses at trial end without one. */
  async function cardlessTrial(readerId: string, customer: string, trialEnd: number) {
    const session = await b.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: readerId,
      metadata: { reader_id: readerId },
      line_items: [{ price: EMULATOR_PRICE_MONTHLY, quantity: 1 }],
      payment_method_collection: 'if_required',
      subscription_data: {
        metadata: { reader_id: readerId },
        trial_end: trialEnd,
        trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
      },
      success_url: 'http://127.0.0.1:8787/subscribe/success',
    });
    const done = await b.control.completeCheckout(session.id, null);
    if (!done.ok) throw new Error(done.error.message);
    await story.deliverOk();
    return done.subscription.id;
  }

  it('paused at trial end for a missing payment method: not entitled, though its period has not ended', async () => {
    const { email, token, readerId } = await story.signUp('paused.trial@example.com');
    const freeTrialEnd = b.emulatorNow() + 3 * DAY;
    await story.setTrialEnd(readerId, freeTrialEnd);
    await story.checkout(token); // makes the reader's customer
    const { stripe_customer_id: customer } = await story.row(readerId);
    const subId = await cardlessTrial(readerId, customer ?? '', freeTrialEnd);
    expect((await story.me(email)).membership.status).toBe('active');

    await b.control.advance({ to: freeTrialEnd + 60 });
    await story.deliverOk();
    const sub = await b.stripe.subscriptions.retrieve(subId);
    expect(sub.status).toBe('paused');
    expect(sub.status_details?.paused.subscription.type).toBe('trial_end_without_payment_method');
    const view = await story.me(email);
    expect(view.membership.status).toBe('expired');
    expect(view.entitlement).toMatchObject({ entitled: false, reason: 'payment_failed' });

    // Nothing but an API call would resume it: a new Checkout replaces it instead of a 409.
    const again = await b.h.call('POST', '/v1/me/checkout', {
      token: await story.signIn(email),
      body: { plan: 'monthly' },
    });
    expect(again.status, again.text).toBe(200);
    expect((await b.stripe.subscriptions.retrieve(subId)).status).toBe('canceled');
    expect((await payCheckout(b.control, again.json.url as string)).ok).toBe(true);
    await story.deliverOk();
    const paid = await story.me(email);
    expect(paid.membership.status).toBe('active');
    expect(paid.entitlement.entitled).toBe(true);
  });

  it('paused while the reader’s own free trial still runs: the free trial is kept, then ends', async () => {
    const { email, token, readerId } = await story.signUp('paused.early@example.com');
    const freeTrialEnd = b.emulatorNow() + 10 * DAY;
    await story.setTrialEnd(readerId, freeTrialEnd);
    await story.checkout(token);
    const { stripe_customer_id: customer } = await story.row(readerId);
    const stripeTrialEnd = b.emulatorNow() + 3 * DAY;
    const subId = await cardlessTrial(readerId, customer ?? '', stripeTrialEnd);

    await b.control.advance({ to: stripeTrialEnd + 60 });
    await story.deliverOk();
    expect((await b.stripe.subscriptions.retrieve(subId)).status).toBe('paused');
    let view = await story.me(email);
    expect(view.membership).toMatchObject({ status: 'trialing' });
    expect(Date.parse(view.membership.trial_ends_at as string) / 1000).toBe(freeTrialEnd);
    expect(view.entitlement.entitled).toBe(true);
    await b.control.advance({ to: freeTrialEnd });
    view = await story.me(email);
    expect(view.entitlement).toMatchObject({ entitled: false, reason: 'trial_expired' });
  });
});

describe('item 2b: customer.deleted during a Stripe trial', () => {
  it('the reader keeps access until the Stripe trial would have ended, past the free trial, and not after', async () => {
    const { email, token, readerId } = await story.signUp('deleted.trial@example.com');
    const freeTrialEnd = b.emulatorNow() + 30 * HOUR;
    await story.setTrialEnd(readerId, freeTrialEnd);
    expect((await payCheckout(b.control, await story.checkout(token))).ok).toBe(true);
    await story.deliverOk();
    const { stripe_customer_id: customer, stripe_subscription_id: subId } = await story.row(readerId);
    const stripeTrialEnd = (await b.stripe.subscriptions.retrieve(subId ?? '')).trial_end ?? 0;
    expect(stripeTrialEnd).toBeGreaterThan(freeTrialEnd);

    await b.stripe.customers.del(customer ?? '');
    await story.deliverOk();
    expect(await story.row(readerId)).toEqual({ stripe_subscription_id: null, stripe_customer_id: null });
    let view = await story.me(email);
    expect(view.membership.status).toBe('trialing');
    expect(Date.parse(view.membership.trial_ends_at as string) / 1000).toBe(stripeTrialEnd);

    await b.control.advance({ to: freeTrialEnd + HOUR });
    view = await story.me(email);
    expect(view.entitlement.entitled).toBe(true);
    await b.control.advance({ to: stripeTrialEnd });
    view = await story.me(email);
    expect(view.entitlement).toMatchObject({ entitled: false, reason: 'trial_expired' });
  });
  it('the same when customer.deleted arrives before the subscription’s own deletion', async () => {
    const { email, token, readerId } = await story.signUp('deleted.first@example.com');
    const freeTrialEnd = b.emulatorNow() + 30 * HOUR;
    await story.setTrialEnd(readerId, freeTrialEnd);
    expect((await payCheckout(b.control, await story.checkout(token))).ok).toBe(true);
    await story.deliverOk();
    const { stripe_customer_id: customer, stripe_subscription_id: subId } = await story.row(readerId);
    const stripeTrialEnd = (await b.stripe.subscriptions.retrieve(subId ?? '')).trial_end ?? 0;

    await b.stripe.customers.del(customer ?? '');
    // Stripe does not promise an order: customer.deleted first, then the rest.
    const pending = await b.control.pendingDeliveries();
    const ordered = [
      ...pending.filter((d) => d.type === 'customer.deleted'),
      ...pending.filter((d) => d.type !== 'customer.deleted'),
    ];
    expect(ordered[0]?.type).toBe('customer.deleted');
    for (const [i, d] of ordered.entries()) {
      const res = await b.h.app.request('http://127.0.0.1:8787/v1/webhooks/stripe', {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': d.signature_header,
        },
        body: d.payload,
      });
      expect(res.status).toBeLessThan(500);
      await b.control.reportDelivery(d.id, res.status);
      // After customer.deleted alone, already: the trial is kept, never an access ended meanwhile.
      if (i === 0) expect((await story.me(email)).membership.status).toBe('trialing');
    }
    const view = await story.me(email);
    expect(view.membership.status).toBe('trialing');
    expect(Date.parse(view.membership.trial_ends_at as string) / 1000).toBe(stripeTrialEnd);
    expect(view.entitlement.entitled).toBe(true);
  });
});
