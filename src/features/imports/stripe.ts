/**
 * @module Importing a Stripe account's existing subscriptions, a page at a time (Stripe's own
 * `starting_after` cursor), through the same import rule as a CSV: what entitles now is created or
 * linked, the rest skipped with its reason.
 */
import type Stripe from 'stripe';
import type { UseCase } from '../../app/context';
import { invalidRequest } from '../../app/errors';
import { rowFromSubscription } from '../../domain/member-import';
import type { AdminPrincipal } from '../admin';
import { callStripe, isMissingResource, toSnapshot } from '../billing';
import { type ImportResult, importMembers } from './members';

export interface StripeImportPage {
  results: ImportResult[];
  /** Pass as `startingAfter` for the next page; null when this was the last. */
  next: string | null;
}

function customerEmail(customer: Stripe.Subscription['customer']): string | null {
  return typeof customer === 'object' && customer !== null && !('deleted' in customer && customer.deleted)
    ? ((customer as Stripe.Customer).email ?? null)
    : null;
}

export async function importStripePage({
  ctx,
  principal,
  input,
}: UseCase<
  { startingAfter?: string | undefined; limit: number; dryRun: boolean },
  AdminPrincipal
>): Promise<StripeImportPage> {
  const page = await callStripe(ctx, 'subscriptions.list', async (stripe) => {
    try {
      return await stripe.subscriptions.list({
        status: 'all',
        limit: input.limit,
        expand: ['data.customer'],
        ...(input.startingAfter ? { starting_after: input.startingAfter } : {}),
      });
    } catch (err) {
      // A cursor Stripe does not know is the caller's mistake, not Stripe being down.
      if (input.startingAfter && isMissingResource(err)) return null;
      throw err;
    }
  });
  if (!page) {
    throw invalidRequest([{ path: 'starting_after', message: 'Stripe has no subscription with this id' }]);
  }
  const skipped: ImportResult[] = [];
  const rows = [];
  for (const sub of page.data) {
    const snap = toSnapshot(ctx.config, sub);
    const row = rowFromSubscription({
      ...snap,
      email: customerEmail(sub.customer),
      trialEnd: sub.trial_end ? new Date(sub.trial_end * 1000) : null,
    });
    if ('skip' in row)
      skipped.push({
        ref: sub.id,
        email: customerEmail(sub.customer),
        outcome: 'skipped',
        reason: row.skip,
        readerId: null,
      });
    else rows.push({ ...row, ref: sub.id });
  }
  const imported = await importMembers({
    ctx,
    principal,
    input: { rows, dryRun: input.dryRun, source: 'stripe' },
  });
  const order = new Map(page.data.map((s, i) => [s.id, i]));
  const results = [...imported, ...skipped].sort((a, b) => (order.get(a.ref) ?? 0) - (order.get(b.ref) ?? 0));
  return { results, next: page.has_more ? (page.data.at(-1)?.id ?? null) : null };
}
