/** @module Emulator API basics through the real SDK: customers, auth, idempotency, errors, lists, events, form parsing. */

import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EMULATOR_PRICE_ANNUAL,
  EMULATOR_PRICE_MONTHLY,
  EMULATOR_SECRET_KEY,
} from '../../tools/stripe-emulator/constants';
import { parseForm } from '../../tools/stripe-emulator/form';
import { DAY, eventTypes, type Harness, sdk, startHarness, T0 } from './helpers';

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

describe('customers', () => {
  it('creates, retrieves, updates and deletes, with an event for each change', async () => {
    const created = await h.stripe.customers.create({
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { reader_id: 'rdr_1' },
    });
    expect(created).toMatchObject({
      object: 'customer',
      email: 'ada@example.com',
      metadata: { reader_id: 'rdr_1' },
    });
    expect(created.id).toMatch(/^cus_/);
    expect(created.created).toBe(T0);
    expect(created.lastResponse.requestId).toMatch(/^req_/);

    const { lastResponse: _created, ...createdBody } = created;
    const { lastResponse: _fetched, ...fetchedBody } = await h.stripe.customers.retrieve(created.id);
    expect(fetchedBody).toEqual(createdBody);

    const updated = await h.stripe.customers.update(created.id, {
      email: 'ada@example.org',
      metadata: { reader_id: '', plan: 'monthly' },
    });
    expect(updated.email).toBe('ada@example.org');
    expect(updated.metadata).toEqual({ plan: 'monthly' });

    const deleted = await h.stripe.customers.del(created.id);
    expect(deleted).toMatchObject({ id: created.id, object: 'customer', deleted: true });
    await expect(h.stripe.customers.retrieve(created.id)).resolves.toMatchObject({ deleted: true });
    await expect(h.stripe.customers.update(created.id, { name: 'x' })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      statusCode: 404,
    });

    expect(await eventTypes(h.stripe)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    const [updatedEvent] = (await h.stripe.events.list({ type: 'customer.updated' })).data;
    expect(updatedEvent?.data.previous_attributes).toEqual({
      email: 'ada@example.com',
      metadata: { reader_id: 'rdr_1' },
    });
  });

  it('lists by email with cursor pagination, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await h.stripe.customers.create({ email: `r${i % 2}@example.com` })).id);
    const page1 = await h.stripe.customers.list({ limit: 2 });
    expect(page1).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
    expect(page1.data.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    const page2 = await h.stripe.customers.list({ limit: 2, starting_after: ids[3] });
    expect(page2.data.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const page3 = await h.stripe.customers.list({ limit: 2, starting_after: ids[1] });
    expect(page3).toMatchObject({ has_more: false });
    expect(page3.data.map((c) => c.id)).toEqual([ids[0]]);
    const back = await h.stripe.customers.list({ limit: 2, ending_before: ids[1] });
    expect(back.data.map((c) => c.id)).toEqual([ids[3], ids[2]]);
    expect(back.has_more).toBe(true);

    const byEmail = await h.stripe.customers.list({ email: 'r0@example.com' });
    expect(byEmail.data.map((c) => c.id)).toEqual([ids[4], ids[2], ids[0]]);
    const all = await h.stripe.customers.list({ limit: 2 }).autoPagingToArray({ limit: 10 });
    expect(all).toHaveLength(5);
  });
});

describe('Stripe wire behaviour', () => {
  it('answers a wrong or missing key with 401 StripeAuthenticationError', async () => {
    const wrong = sdk(h.emu.port, 'sk_test_wrong_key_123456789');
    await expect(wrong.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    await expect(wrong.customers.list()).rejects.toMatchObject({
      statusCode: 401,
      type: 'StripeAuthenticationError',
    });
    const res = await fetch(`${h.emu.url}/v1/customers`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/did not provide an API key/);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
  });

  it('replays an idempotent request and rejects the key reused with other params', async () => {
    const first = await h.stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'key-1' });
    const again = await h.stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'key-1' });
    expect(again.id).toBe(first.id);
    const replay = await fetch(`${h.emu.url}/v1/customers`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${EMULATOR_SECRET_KEY}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Idempotency-Key': 'key-1',
      },
      body: 'email=once%40example.com',
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: string }).id).toBe(first.id);
    expect((await h.stripe.customers.list()).data).toHaveLength(1);
    await expect(
      h.stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'key-1' }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(await eventTypes(h.stripe)).toEqual(['customer.created']);
  });

  it('404s unknown ids with resource_missing and rejects invalid params with 400', async () => {
    await expect(h.stripe.subscriptions.retrieve('sub_nope')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
    });
    await expect(h.stripe.customers.list({ limit: 500 })).rejects.toMatchObject({
      statusCode: 400,
      param: 'limit',
    });
    const res = await fetch(`${h.emu.url}/v1/nothing_here`, {
      headers: { Authorization: `Bearer ${EMULATOR_SECRET_KEY}` },
    });
    expect(res.status).toBe(404);
  });

  it('serves the two preconfigured prices', async () => {
    const monthly = await h.stripe.prices.retrieve(EMULATOR_PRICE_MONTHLY);
    expect(monthly).toMatchObject({ unit_amount: 999, currency: 'usd', recurring: { interval: 'month' } });
    expect(String(monthly.unit_amount_decimal)).toBe('999');
    const prices = await h.stripe.prices.list();
    expect(prices.data.map((p) => p.id).sort()).toEqual(
      [EMULATOR_PRICE_ANNUAL, EMULATOR_PRICE_MONTHLY].sort(),
    );
    const annual = prices.data.find((p) => p.id === EMULATOR_PRICE_ANNUAL);
    expect(annual).toMatchObject({ unit_amount: 9900, recurring: { interval: 'year' } });
  });

  it('filters events by type, types[] and created, newest first', async () => {
    const a = await h.stripe.customers.create({ email: 'a@example.com' });
    await h.control.advance({ seconds: DAY });
    await h.stripe.customers.update(a.id, { name: 'A' });
    await h.stripe.customers.create({ email: 'b@example.com' });

    const all = await h.stripe.events.list();
    expect(all.data.map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.created']);
    expect(all.data[0]).toMatchObject({ object: 'event', livemode: false, api_version: '2026-10-28.endive' });
    expect(all.data[0]?.request?.id).toMatch(/^req_/);

    const created = await h.stripe.events.list({ type: 'customer.created' });
    expect(created.data).toHaveLength(2);
    const wildcard = await h.stripe.events.list({ type: 'customer.*' });
    expect(wildcard.data).toHaveLength(3);
    const types = await h.stripe.events.list({ types: ['customer.updated'] });
    expect(types.data.map((e) => e.type)).toEqual(['customer.updated']);
    const later = await h.stripe.events.list({ created: { gte: T0 + DAY } });
    expect(later.data).toHaveLength(2);
    const strictlyLater = await h.stripe.events.list({ created: { gt: T0 + DAY } });
    expect(strictlyLater.data).toHaveLength(0);
    const one = await h.stripe.events.retrieve(created.data[1]?.id ?? '');
    expect(one.data.object).toMatchObject({ id: a.id, email: 'a@example.com' });
  });

  it('parses bracket-nested form bodies as the SDK encodes them', () => {
    expect(
      parseForm(
        'line_items[0][price]=p&line_items[0][quantity]=1&metadata[reader_id]=rdr%201&expand[0]=subscription' +
          '&types[]=a&types[]=b&subscription_data[trial_end]=123&cancel_at=',
      ),
    ).toEqual({
      line_items: [{ price: 'p', quantity: '1' }],
      metadata: { reader_id: 'rdr 1' },
      expand: ['subscription'],
      types: ['a', 'b'],
      subscription_data: { trial_end: '123' },
      cancel_at: '',
    });
  });
});

describe('the request counter (for benchmarks)', () => {
  it('counts the API requests answered by method and route, refused ones included, until reset', async () => {
    await h.control.resetRequests();
    const customer = await h.stripe.customers.create({ email: 'count@example.com' });
    await h.stripe.customers.retrieve(customer.id);
    await h.stripe.customers.retrieve(customer.id);
    await expect(h.stripe.customers.retrieve('cus_missing')).rejects.toThrow();
    expect(await h.control.requests()).toEqual({
      'POST /v1/customers': 1,
      'GET /v1/customers/:id': 3,
    });
    await h.control.resetRequests();
    expect(await h.control.requests()).toEqual({});
  });
});
