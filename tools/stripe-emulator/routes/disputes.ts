/** @module `/v1/disputes`: retrieve, list (by charge or payment intent), update with evidence, close. */

import { Hono } from 'hono';
import type Stripe from 'stripe';
import type { EmulatorContext } from '../context';
import { closeDispute } from '../disputes';
import { invalidRequest, resourceMissing } from '../errors';
import { applyMetadata, asObject, optBool, optString } from '../form';
import { apiRoute, matchesCreated, newestFirst, paginate } from '../http';
import { EVIDENCE_KEYS } from '../objects/dispute';

function requireDispute(ctx: EmulatorContext, id: string): Stripe.Dispute {
  const dispute = ctx.state.disputes.get(id);
  if (dispute === undefined) throw resourceMissing('dispute', id);
  return dispute;
}

export function disputeRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.get(
    '/v1/disputes/:id',
    apiRoute(ctx, ({ path }) => requireDispute(ctx, path.id ?? '')),
  );

  app.get(
    '/v1/disputes',
    apiRoute(ctx, ({ params }) => {
      const charge = optString(params, 'charge');
      const paymentIntent = optString(params, 'payment_intent');
      const items = newestFirst(ctx.state.disputes.values()).filter(
        (d) =>
          (charge === undefined || d.charge === charge) &&
          (paymentIntent === undefined || d.payment_intent === paymentIntent) &&
          matchesCreated(d.created, params),
      );
      return paginate(items, params, '/v1/disputes');
    }),
  );

  // Evidence submitted (`submit` defaults to true): Stripe's test values decide the outcome.
  app.post(
    '/v1/disputes/:id',
    apiRoute(ctx, ({ path, params }) => {
      const dispute = requireDispute(ctx, path.id ?? '');
      const evidence = params.evidence === undefined ? {} : asObject(params.evidence, 'evidence');
      for (const [key, value] of Object.entries(evidence)) {
        if (!EVIDENCE_KEYS.has(key)) {
          throw invalidRequest(
            `Received unknown parameter: evidence[${key}]`,
            `evidence[${key}]`,
            'parameter_unknown',
          );
        }
        if (typeof value !== 'string')
          throw invalidRequest(`Invalid string: evidence[${key}]`, `evidence[${key}]`);
      }
      const open = dispute.status === 'needs_response' || dispute.status === 'warning_needs_response';
      if (!open && Object.keys(evidence).length > 0) {
        throw invalidRequest('This dispute can no longer take evidence.', 'evidence');
      }
      dispute.metadata = applyMetadata(dispute.metadata, params);
      const record = dispute.evidence as unknown as Record<string, string | null>;
      for (const [key, value] of Object.entries(evidence)) record[key] = value as string;
      if (Object.keys(evidence).length > 0) dispute.evidence_details.has_evidence = true;
      const submit = optBool(params, 'submit') ?? true;
      if (open && submit && Object.keys(evidence).length > 0) {
        dispute.evidence_details.submission_count += 1;
        dispute.evidence_details.submission_method = 'manual';
        const text = dispute.evidence.uncategorized_text;
        if (text === 'winning_evidence') closeDispute(ctx, dispute, 'won');
        else if (text === 'losing_evidence') closeDispute(ctx, dispute, 'lost');
        else dispute.status = 'under_review';
      }
      return dispute;
    }),
  );

  app.post(
    '/v1/disputes/:id/close',
    apiRoute(ctx, ({ path }) => {
      const dispute = requireDispute(ctx, path.id ?? '');
      closeDispute(ctx, dispute, 'lost');
      return dispute;
    }),
  );

  return app;
}
