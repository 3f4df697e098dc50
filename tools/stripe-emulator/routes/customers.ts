/** @module `/v1/customers`: create, retrieve, update, delete (cancelling subscriptions), list by email. */

import { Hono } from 'hono';
import type Stripe from 'stripe';
import { requireCustomer } from '../billing';
import type { EmulatorContext } from '../context';
import { invalidRequest, resourceMissing } from '../errors';
import { emit } from '../events';
import { applyMetadata, type FormObject, optString } from '../form';
import { apiRoute, matchesCreated, newestFirst, paginate } from '../http';
import { newId } from '../ids';
import { cancelNow, isLive } from '../lifecycle';
import { buildCustomer } from '../objects/customer';
import { requireTestClock } from './test-clocks';

/** Nullable text fields: an empty string clears them, as in Stripe. */
function optText(params: FormObject, name: string): string | null | undefined {
  const v = optString(params, name);
  if (v === undefined) return undefined;
  return v === '' ? null : v;
}

function checkEmail(email: string | null | undefined): void {
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email))
    throw invalidRequest(`Invalid email address: ${email}`, 'email');
}

export function customerRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.post(
    '/v1/customers',
    apiRoute(ctx, ({ params }) => {
      const email = optText(params, 'email') ?? null;
      checkEmail(email);
      const customer = buildCustomer(
        newId('cus'),
        {
          email,
          name: optText(params, 'name') ?? null,
          description: optText(params, 'description') ?? null,
          phone: optText(params, 'phone') ?? null,
          metadata: applyMetadata({}, params),
        },
        ctx.state.now,
      );
      // Stripe's test clocks: the customer (and what it buys) follows the clock, here the emulator's one.
      const testClock = optString(params, 'test_clock');
      if (testClock) customer.test_clock = requireTestClock(ctx, testClock).id;
      ctx.state.customers.set(customer.id, { customer, deleted: false, card: null });
      emit(ctx, 'customer.created', customer);
      return customer;
    }),
  );

  app.get(
    '/v1/customers/:id',
    apiRoute(ctx, ({ path }) => {
      const id = path.id ?? '';
      const rec = ctx.state.customers.get(id);
      if (rec === undefined) throw resourceMissing('customer', id);
      // Stripe still answers a retrieve of a deleted customer, with the deletion stub.
      if (rec.deleted) return { id, object: 'customer', deleted: true } satisfies Stripe.DeletedCustomer;
      return rec.customer;
    }),
  );

  app.post(
    '/v1/customers/:id',
    apiRoute(ctx, ({ path, params }) => {
      const rec = requireCustomer(ctx, path.id ?? '');
      const customer = rec.customer;
      const before: Partial<Stripe.Customer> = {};
      const email = optText(params, 'email');
      checkEmail(email);
      const metadata = applyMetadata(customer.metadata, params);
      const updates: Partial<Pick<Stripe.Customer, 'email' | 'name' | 'description' | 'phone'>> = {};
      if (email !== undefined) updates.email = email;
      for (const field of ['name', 'description', 'phone'] as const) {
        const v = optText(params, field);
        if (v !== undefined) updates[field] = v;
      }
      for (const [field, value] of Object.entries(updates) as [keyof typeof updates, string | null][]) {
        if (customer[field] !== value) {
          before[field] = customer[field] ?? null;
          customer[field] = value;
        }
      }
      if (JSON.stringify(metadata) !== JSON.stringify(customer.metadata)) {
        before.metadata = customer.metadata;
        customer.metadata = metadata;
      }
      if (Object.keys(before).length > 0) emit(ctx, 'customer.updated', customer, before);
      return customer;
    }),
  );

  app.delete(
    '/v1/customers/:id',
    apiRoute(ctx, ({ path }) => {
      const rec = requireCustomer(ctx, path.id ?? '');
      // Deleting a customer cancels its subscriptions immediately.
      for (const sub of ctx.state.subscriptions.values()) {
        if (sub.subscription.customer === rec.customer.id && isLive(sub.subscription)) {
          cancelNow(ctx, sub, 'cancellation_requested');
        }
      }
      rec.deleted = true;
      emit(ctx, 'customer.deleted', rec.customer);
      return { id: rec.customer.id, object: 'customer', deleted: true } satisfies Stripe.DeletedCustomer;
    }),
  );

  app.get(
    '/v1/customers',
    apiRoute(ctx, ({ params }) => {
      const email = optString(params, 'email');
      const items = newestFirst(ctx.state.customers.values())
        .filter((r) => !r.deleted)
        .map((r) => r.customer)
        .filter((c) => (email === undefined || c.email === email) && matchesCreated(c.created, params));
      return paginate(items, params, '/v1/customers');
    }),
  );

  return app;
}
