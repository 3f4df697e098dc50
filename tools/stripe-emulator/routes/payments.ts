/** @module `/v1/invoices` (retrieve, list, pay), `/v1/invoice_payments`, `/v1/charges` and `/v1/refunds`. */

import { Hono } from 'hono';
import type Stripe from 'stripe';
import { payInvoice, refundCharge } from '../billing';
import type { EmulatorContext } from '../context';
import { invalidRequest, missingReference, resourceMissing } from '../errors';
import { optInt, optObject, optString } from '../form';
import { apiRoute, matchesCreated, newestFirst, paginate } from '../http';
import type { InvoiceRecord } from '../store';

function requireInvoice(ctx: EmulatorContext, id: string): InvoiceRecord {
  const rec = ctx.state.invoices.get(id);
  if (rec === undefined) throw resourceMissing('invoice', id);
  return rec;
}

function requireCharge(ctx: EmulatorContext, id: string): Stripe.Charge {
  const charge = ctx.state.charges.get(id);
  if (charge === undefined) throw resourceMissing('charge', id);
  return charge;
}

export function paymentRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.get(
    '/v1/invoices/:id',
    apiRoute(ctx, ({ path }) => requireInvoice(ctx, path.id ?? '').invoice),
  );

  app.get(
    '/v1/invoices',
    apiRoute(ctx, ({ params }) => {
      const customer = optString(params, 'customer');
      const subscription = optString(params, 'subscription');
      const status = optString(params, 'status');
      const items = newestFirst(ctx.state.invoices.values())
        .filter(
          (r) =>
            (customer === undefined || r.invoice.customer === customer) &&
            (subscription === undefined || r.subscriptionId === subscription) &&
            (status === undefined || r.invoice.status === status) &&
            matchesCreated(r.invoice.created, params),
        )
        .map((r) => r.invoice);
      return paginate(items, params, '/v1/invoices');
    }),
  );

  app.post(
    '/v1/invoices/:id/pay',
    apiRoute(ctx, ({ path }) => payInvoice(ctx, requireInvoice(ctx, path.id ?? ''))),
  );

  app.get(
    '/v1/invoice_payments',
    apiRoute(ctx, ({ params }) => {
      const invoice = optString(params, 'invoice');
      const paymentIntent = optString(
        optObject(params, 'payment') ?? {},
        'payment_intent',
        'payment[payment_intent]',
      );
      const items = newestFirst(ctx.state.invoices.values())
        .flatMap((r) => r.invoice.payments?.data ?? [])
        .filter(
          (p) =>
            (invoice === undefined || p.invoice === invoice) &&
            (paymentIntent === undefined || p.payment.payment_intent === paymentIntent),
        );
      return paginate(items, params, '/v1/invoice_payments');
    }),
  );

  app.get(
    '/v1/charges/:id',
    apiRoute(ctx, ({ path }) => requireCharge(ctx, path.id ?? '')),
  );

  app.get(
    '/v1/charges',
    apiRoute(ctx, ({ params }) => {
      const customer = optString(params, 'customer');
      const paymentIntent = optString(params, 'payment_intent');
      const items = newestFirst(ctx.state.charges.values()).filter(
        (c) =>
          (customer === undefined || c.customer === customer) &&
          (paymentIntent === undefined || c.payment_intent === paymentIntent) &&
          matchesCreated(c.created, params),
      );
      return paginate(items, params, '/v1/charges');
    }),
  );

  app.post(
    '/v1/refunds',
    apiRoute(ctx, ({ params }) => {
      const chargeId = optString(params, 'charge') || undefined;
      const paymentIntent = optString(params, 'payment_intent') || undefined;
      if (chargeId === undefined && paymentIntent === undefined) {
        throw invalidRequest(
          'One of the following parameters is required: charge, payment_intent.',
          'charge',
        );
      }
      let charge: Stripe.Charge | undefined;
      if (chargeId !== undefined) {
        charge = ctx.state.charges.get(chargeId);
        if (charge === undefined) throw missingReference('charge', chargeId, 'charge');
        if (paymentIntent !== undefined && charge.payment_intent !== paymentIntent) {
          throw invalidRequest('The charge does not belong to that payment intent.', 'payment_intent');
        }
      } else if (paymentIntent !== undefined) {
        charge = newestFirst(ctx.state.charges.values()).find(
          (c) => c.payment_intent === paymentIntent && c.status === 'succeeded',
        );
        if (charge === undefined) throw missingReference('payment_intent', paymentIntent, 'payment_intent');
      }
      if (charge === undefined) throw invalidRequest('Nothing to refund.', 'charge');
      const refund = refundCharge(ctx, charge, optInt(params, 'amount'));
      const reason = optString(params, 'reason');
      if (reason === 'duplicate' || reason === 'fraudulent' || reason === 'requested_by_customer') {
        refund.reason = reason;
      }
      return refund;
    }),
  );

  app.get(
    '/v1/refunds/:id',
    apiRoute(ctx, ({ path }) => {
      const id = path.id ?? '';
      const refund = ctx.state.refunds.get(id);
      if (refund === undefined) throw resourceMissing('refund', id);
      return refund;
    }),
  );

  app.get(
    '/v1/refunds',
    apiRoute(ctx, ({ params }) => {
      const charge = optString(params, 'charge');
      const paymentIntent = optString(params, 'payment_intent');
      const items = newestFirst(ctx.state.refunds.values()).filter(
        (r) =>
          (charge === undefined || r.charge === charge) &&
          (paymentIntent === undefined || r.payment_intent === paymentIntent),
      );
      return paginate(items, params, '/v1/refunds');
    }),
  );

  return app;
}
