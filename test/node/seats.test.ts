/**
 * Issue 15, item 14 on the Node door, through the Stripe emulator: an owner's subscription with
 * seats. Inviting sets the subscription's quantity (billed at the next invoice), the invited
 * address takes the seat by its mailed link and is entitled while the owner's subscription is;
 * removal, leaving and the owner's subscription ending take access away at once (announced to
 * publishers); the limit holds under concurrent invitations; a member keeps nothing.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberships, outbox, seats, webhookMessages } from '../../src/db/schema';
import { createPublisher } from '../support/door';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness({ SEAT_LIMIT: '3' });
});
afterAll(async () => {
  await b.close();
});

async function reader(email: string) {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status, res.text).toBe(201);
  return { token: res.json.session_token as string, id: res.json.reader.id as string };
}

async function subscriber(email: string) {
  const r = await reader(email);
  const res = await b.h.call('POST', '/v1/me/checkout', { token: r.token, body: { plan: 'monthly' } });
  expect(res.status, res.text).toBe(200);
  expect((await payCheckout(b.control, res.json.url as string)).ok).toBe(true);
  expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
  const [m] = await b.h.ctx.db.select().from(memberships).where(eq(memberships.readerId, r.id));
  expect(m?.stripeSubscriptionId).toBeTruthy();
  return { ...r, subscriptionId: m?.stripeSubscriptionId ?? '' };
}

async function quantity(subscriptionId: string) {
  return (await b.stripe.subscriptions.retrieve(subscriptionId)).items.data[0]?.quantity;
}

/** The token of the newest invitation mailed to `to`. */
async function invitationTo(to: string) {
  const mails = await b.h.ctx.db.select().from(outbox).where(eq(outbox.template, 'seat_invite'));
  const mine = mails.filter((m) => m.toAddress?.toLowerCase() === to);
  const url = String((mine.at(-1)?.payload as { join_url?: string } | undefined)?.join_url ?? '');
  expect(url).toContain('/seats/join/');
  return url.split('/').pop() ?? '';
}

async function tokenFor(token: string, publisher: string) {
  return b.h.call('POST', '/v1/me/entitlement-token', { token, body: { publisher } });
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());

describe('seats', () => {
  it('refuses bad invitations with a clear 4xx and changes nothing', async () => {
    const free = await reader('seat-free@example.com');
    const none = await b.h.call('POST', '/v1/me/seats', {
      token: free.token,
      body: { email: 'x@example.com' },
    });
    expect(none.status).toBe(409);
    expect(none.json.detail).toMatch(/subscribe first/);
    const owner = await subscriber('seat-bad@example.com');
    for (const [body, status] of [
      [{ email: 'not an address' }, 400],
      [{ email: 'Seat-Bad@Example.com' }, 409],
      [{}, 400],
    ] as const) {
      const res = await b.h.call('POST', '/v1/me/seats', { token: owner.token, body });
      expect(res.status, JSON.stringify(body)).toBe(status);
    }
    expect(await b.h.ctx.db.select().from(seats).where(eq(seats.ownerReaderId, owner.id))).toEqual([]);
    expect(await quantity(owner.subscriptionId)).toBe(1);
    expect((await b.h.call('GET', '/v1/me/seats')).status).toBe(401);
    expect(
      (await b.h.call('POST', '/v1/seats/join', { token: free.token, body: { token: 'x'.repeat(43) } }))
        .status,
    ).toBe(404);
  });

  it('invite, join by the mailed link, read on the owner’s subscription, billed per seat, removed at once', async () => {
    const owner = await subscriber('seat-owner@example.com');
    const publisher = await createPublisher(b.h, 'Seat Times');
    const hook = await b.h.call('POST', '/v1/publisher/webhooks', {
      token: publisher.api_key,
      body: { url: 'http://127.0.0.1:9/hook', events: ['entitlement.ended'] },
    });
    expect(hook.status, hook.text).toBe(201);

    const invited = await b.h.call('POST', '/v1/me/seats', {
      token: owner.token,
      body: { email: 'Family@Example.com' },
    });
    expect(invited.status, invited.text).toBe(201);
    expect(invited.json).toMatchObject({ email: 'family@example.com', status: 'invited', joined_at: null });
    expect(await quantity(owner.subscriptionId)).toBe(2);
    const link = await invitationTo('family@example.com');
    const preview = await b.h.call('GET', `/v1/seats/invitations/${link}`);
    expect(preview.json).toMatchObject({
      from: 'seat-owner@example.com',
      email: 'family@example.com',
      status: 'open',
    });

    // Someone else with the link cannot take it.
    const stranger = await reader('stranger@example.com');
    const refused = await b.h.call('POST', '/v1/seats/join', {
      token: stranger.token,
      body: { token: link },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/another address/);

    // The invited address signs up (a trial starts), then takes the seat: the trial is spent.
    const member = await reader('family@example.com');
    const joined = await b.h.call('POST', '/v1/seats/join', { token: member.token, body: { token: link } });
    expect(joined.status, joined.text).toBe(200);
    expect(joined.json).toEqual({ id: invited.json.id, from: 'seat-owner@example.com' });
    const me = await b.h.call('GET', '/v1/me', { token: member.token });
    expect(me.json.membership.status).toBe('expired');
    expect(me.json.email_verification.verified).toBe(true);
    expect(me.json.entitlement.entitled).toBe(true);
    const issued = await tokenFor(member.token, publisher.publisher.id);
    expect(issued.status, issued.text).toBe(200);
    // The member reads on what the owner has.
    const owners = claimsOf((await tokenFor(owner.token, publisher.publisher.id)).json.token);
    expect(claimsOf(issued.json.token)).toMatchObject({
      membership: owners.membership,
      entitled_until: owners.entitled_until,
    });
    expect(claimsOf(issued.json.token).sub).not.toBe(owners.sub);
    const held = await b.h.call('GET', '/v1/me/seats', { token: member.token });
    expect(held.json.holds).toMatchObject({ id: invited.json.id, owner_email: 'seat-owner@example.com' });
    expect(held.json.invite_refusal).toBe('member');
    const listed = await b.h.call('GET', '/v1/me/seats', { token: owner.token });
    expect(listed.json).toMatchObject({ limit: 3, quantity: 2, data: [{ status: 'joined' }] });
    // The link is spent.
    expect(
      (await b.h.call('POST', '/v1/seats/join', { token: member.token, body: { token: link } })).status,
    ).toBe(404);

    // At the end of the Stripe trial the first invoice bills both people.
    const sub = await b.stripe.subscriptions.retrieve(owner.subscriptionId);
    await b.control.advance({ to: (sub.trial_end ?? 0) + 3600 });
    expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
    const [invoice] = (await b.stripe.invoices.list({ subscription: owner.subscriptionId, limit: 1 })).data;
    expect(invoice?.amount_paid).toBe(2 * (sub.items.data[0]?.price.unit_amount ?? 0));
    expect(claimsOf((await tokenFor(member.token, publisher.publisher.id)).json.token).membership).toBe(
      'paid',
    );

    // Removal: access ends now, publishers are told, the quantity goes back, nothing is kept.
    const removed = await b.h.call('DELETE', `/v1/me/seats/${invited.json.id}`, { token: owner.token });
    expect(removed.status, removed.text).toBe(204);
    expect((await tokenFor(member.token, publisher.publisher.id)).status).toBe(402);
    expect(await quantity(owner.subscriptionId)).toBe(1);
    const ended = await b.h.ctx.db
      .select()
      .from(webhookMessages)
      .where(
        and(
          eq(webhookMessages.publisherId, publisher.publisher.id),
          eq(webhookMessages.type, 'entitlement.ended'),
        ),
      );
    expect(ended.map((m) => JSON.parse(m.body).data)).toEqual([
      { sub: claimsOf(issued.json.token).sub, reason: 'canceled' },
    ]);
    const actions = await b.h.ctx.db.select().from(auditLog).where(eq(auditLog.targetId, invited.json.id));
    expect(actions.map((a) => a.action).sort()).toEqual(['seat.invite', 'seat.join', 'seat.remove']);
    // No second trial for the former member.
    const again = await b.h.call('GET', '/v1/me', { token: member.token });
    expect(again.json.entitlement).toMatchObject({ entitled: false, reason: 'trial_expired' });
  });

  it('the owner’s subscription ending ends the member’s access; a member may leave', async () => {
    const owner = await subscriber('seat-ending@example.com');
    await b.h.call('POST', '/v1/me/seats', { token: owner.token, body: { email: 'kid@example.com' } });
    const kid = await reader('kid@example.com');
    expect(
      (
        await b.h.call('POST', '/v1/seats/join', {
          token: kid.token,
          body: { token: await invitationTo('kid@example.com') },
        })
      ).status,
    ).toBe(200);
    const publisher = await createPublisher(b.h, 'Seat Post');
    await b.h.call('POST', '/v1/publisher/webhooks', {
      token: publisher.api_key,
      body: { url: 'http://127.0.0.1:9/hook', events: ['entitlement.ended'] },
    });
    const kids = await tokenFor(kid.token, publisher.publisher.id);
    expect(kids.status).toBe(200);
    await b.stripe.subscriptions.cancel(owner.subscriptionId);
    expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
    expect((await tokenFor(kid.token, publisher.publisher.id)).status).toBe(402);
    // The publisher hears of the member's end with the owner's.
    const ended = await b.h.ctx.db
      .select()
      .from(webhookMessages)
      .where(
        and(
          eq(webhookMessages.publisherId, publisher.publisher.id),
          eq(webhookMessages.type, 'entitlement.ended'),
        ),
      );
    expect(ended.map((m) => JSON.parse(m.body).data)).toEqual([
      { sub: claimsOf(kids.json.token).sub, reason: 'canceled' },
    ]);
    // The invitation page of a seat whose membership ended says so, and nobody can be invited.
    expect(
      (await b.h.call('POST', '/v1/me/seats', { token: owner.token, body: { email: 'other@example.com' } }))
        .status,
    ).toBe(409);

    const owner2 = await subscriber('seat-leave@example.com');
    await b.h.call('POST', '/v1/me/seats', { token: owner2.token, body: { email: 'leaver@example.com' } });
    const leaver = await reader('leaver@example.com');
    await b.h.call('POST', '/v1/seats/join', {
      token: leaver.token,
      body: { token: await invitationTo('leaver@example.com') },
    });
    expect(await quantity(owner2.subscriptionId)).toBe(2);
    expect((await b.h.call('DELETE', '/v1/me/seat', { token: leaver.token })).status).toBe(204);
    expect((await tokenFor(leaver.token, publisher.publisher.id)).status).toBe(402);
    expect(await quantity(owner2.subscriptionId)).toBe(1);
    expect((await b.h.call('DELETE', '/v1/me/seat', { token: leaver.token })).status).toBe(404);
  });

  it('the limit holds under concurrent invitations; a paying reader cannot take a seat', async () => {
    const owner = await subscriber('seat-race@example.com');
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((n) =>
        b.h.call('POST', '/v1/me/seats', { token: owner.token, body: { email: `race-${n}@example.com` } }),
      ),
    );
    // SEAT_LIMIT=3: the owner and two seats.
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409]);
    expect(await b.h.ctx.db.select().from(seats).where(eq(seats.ownerReaderId, owner.id))).toHaveLength(2);
    expect(await quantity(owner.subscriptionId)).toBe(3);

    const payer = await subscriber('seat-payer@example.com');
    const other = await subscriber('seat-payer-owner@example.com');
    await b.h.call('POST', '/v1/me/seats', { token: other.token, body: { email: 'seat-payer@example.com' } });
    const res = await b.h.call('POST', '/v1/seats/join', {
      token: payer.token,
      body: { token: await invitationTo('seat-payer@example.com') },
    });
    expect(res.status).toBe(409);
    expect(res.json.detail).toMatch(/subscription of your own/);
  });
  it('deleting an account frees the seat it held (the quantity follows) and ends the seats it gave', async () => {
    const owner = await subscriber('seat-delete-owner@example.com');
    for (const who of ['gone-member@example.com', 'stays-member@example.com']) {
      await b.h.call('POST', '/v1/me/seats', { token: owner.token, body: { email: who } });
    }
    const gone = await reader('gone-member@example.com');
    const stays = await reader('stays-member@example.com');
    for (const [m, email] of [
      [gone, 'gone-member@example.com'],
      [stays, 'stays-member@example.com'],
    ] as const) {
      const res = await b.h.call('POST', '/v1/seats/join', {
        token: m.token,
        body: { token: await invitationTo(email) },
      });
      expect(res.status, res.text).toBe(200);
    }
    expect(await quantity(owner.subscriptionId)).toBe(3);
    const del = await b.h.call('DELETE', '/v1/me', {
      token: gone.token,
      body: { password: 'pass phrase 1' },
    });
    expect(del.status, del.text).toBe(204);
    expect(await b.h.ctx.db.select().from(seats).where(eq(seats.memberReaderId, gone.id))).toEqual([]);
    expect(await quantity(owner.subscriptionId)).toBe(2);

    const publisher = await createPublisher(b.h, 'Seat Ledger');
    expect((await tokenFor(stays.token, publisher.publisher.id)).status).toBe(200);
    const delOwner = await b.h.call('DELETE', '/v1/me', {
      token: owner.token,
      body: { password: 'pass phrase 1' },
    });
    expect(delOwner.status, delOwner.text).toBe(204);
    expect((await tokenFor(stays.token, publisher.publisher.id)).status).toBe(402);
    expect(await b.h.ctx.db.select().from(seats).where(eq(seats.ownerReaderId, owner.id))).toEqual([]);
  });
});
