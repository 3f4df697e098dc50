/**
 * @module What admins do to a member: set the trial end, comp, cancel through Stripe, revoke
 * sessions. Each change and its audit row are one `db.batch`; membership writes are conditional on
 * the version read (as webhooks are), so a concurrent Stripe update is never overwritten blindly.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { newId } from '../../db/ids';
import { type MembershipRow, membershipColumns } from '../../db/memberships';
import { auditLog, memberships, readers, sessions } from '../../db/schema';
import { canStillCharge, membershipFromSubscription } from '../../domain/billing';
import type { Membership } from '../../domain/membership';
import { epochSeconds, rfc3339, rfc3339OrNull, wholeSeconds } from '../../domain/time';
import { withTrialEnd } from '../../domain/trial';
import type { AdminPrincipal } from '../admin';
import { auditEntry, auditEntryIf } from '../audit';
import { callStripe, isMissingResource, toSnapshot } from '../billing';
import { endedByChange, entitlementEndedRows, sendWebhooksSoon } from '../webhooks';
import { liveMember } from './list';

/** A JSON-safe picture of a membership for the audit log. */
export function membershipSnapshot(m: Membership, compReason: string | null = null) {
  return {
    status: m.status,
    plan: m.plan,
    trial_ends_at: rfc3339OrNull(m.trialEndsAt),
    current_period_end: rfc3339OrNull(m.currentPeriodEnd),
    cancel_at_period_end: m.cancelAtPeriodEnd,
    grace_until: rfc3339OrNull(m.graceUntil),
    comp_until: rfc3339OrNull(m.compUntil),
    ended_reason: m.endedReason,
    comp_reason: compReason,
  };
}

type Decide = (current: { row: MembershipRow; membership: Membership }) => Promise<{
  next: Membership;
  compReason?: string | null;
}>;

const ATTEMPTS = 3;

/**
 * Reads the member, lets `decide` compute the new membership, and writes it with its audit row.
 * Both are conditional on the version read: if a webhook moved the row on meanwhile, nothing lands
 * and the decision is made again on the fresh row.
 */
async function changeMembership(
  ctx: AppContext,
  audit: AdminPrincipal,
  readerId: string,
  action: string,
  decide: Decide,
): Promise<Membership> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { row, membership } = await liveMember(ctx, readerId);
    const { next, compReason = row.compReason } = await decide({ row, membership });
    const auditId = newId('audit');
    const version = row.version;
    // The audit id marks the version this write produces, as a Stripe event id does for webhooks.
    const landed = sql`exists (select 1 from ${memberships} where ${memberships.readerId} = ${readerId} and ${memberships.version} = ${version + 1} and ${memberships.lastEventId} = ${auditId})`;
    await ctx.db.batch([
      ctx.db
        .update(memberships)
        .set({
          ...membershipColumns(next),
          compReason,
          version: version + 1,
          lastEventId: auditId,
          updatedAt: wholeSeconds(ctx.now()),
        })
        .where(and(eq(memberships.readerId, readerId), eq(memberships.version, version))),
      auditEntryIf(
        ctx,
        audit,
        {
          action,
          targetType: 'member',
          targetId: readerId,
          before: membershipSnapshot(membership, row.compReason),
          after: membershipSnapshot(next, compReason),
        },
        landed,
        auditId,
      ),
      // Publishers hear of an access this change ends (a cancellation now, a trial ended early).
      ...endedByChange(ctx, {
        readerId,
        before: membership,
        after: next,
        reason: action === 'member.cancel' ? 'canceled' : 'expired',
        cause: `audit:${auditId}`,
        condition: landed,
      }),
    ]);
    const [written] = await ctx.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(eq(auditLog.id, auditId))
      .limit(1);
    if (written) {
      sendWebhooksSoon(ctx);
      return next;
    }
    ctx.logger.info('admin change raced another update; retrying', { reader_id: readerId, action, attempt });
  }
  throw new ApiError('conflict', 'The membership kept changing while this was applied. Try again.');
}

/** Sets a reader's trial end; a time in the past ends the trial now. */
export function setTrialEnd({
  ctx,
  principal,
  input,
}: UseCase<{ readerId: string; endsAt: Date }, AdminPrincipal>): Promise<Membership> {
  return changeMembership(ctx, principal, input.readerId, 'member.trial', async ({ membership }) => {
    const next = withTrialEnd(membership, wholeSeconds(input.endsAt));
    if (!next) {
      throw new ApiError(
        'conflict',
        `The membership is ${membership.status}, not a free trial; its trial end cannot be set.`,
      );
    }
    return { next };
  });
}

/**
 * Grants free access until `until`. A member with a running Stripe subscription (`active`,
 * `past_due`) is refused: the comp would hide the subscription, and when it ran out the member
 * would read as expired until Stripe's next event. Pause or discount the subscription in Stripe.
 */
export function compMember({
  ctx,
  principal,
  input,
}: UseCase<{ readerId: string; until: Date; reason: string }, AdminPrincipal>): Promise<Membership> {
  const until = wholeSeconds(input.until);
  if (until.getTime() <= ctx.now().getTime()) {
    throw new ApiError('invalid_request', 'A comp must end in the future.', {
      errors: [{ path: 'until', message: 'Must be in the future' }],
    });
  }
  return changeMembership(ctx, principal, input.readerId, 'member.comp', async ({ membership }) => {
    if (membership.status === 'active' || membership.status === 'past_due') {
      throw new ApiError(
        'conflict',
        `The member has a running Stripe subscription (${membership.status}); cancel it before a comp.`,
      );
    }
    return {
      next: {
        ...membership,
        status: 'comped',
        compUntil: until,
        cancelAtPeriodEnd: false,
        graceUntil: null,
        endedReason: null,
      },
      compReason: input.reason,
    };
  });
}

/**
 * Cancels the member's Stripe subscription (at period end, or now) and applies the subscription
 * Stripe returns through the webhook's own mapping, so the answer already shows the result; the
 * webhook that follows finds nothing left to change.
 */
export function cancelMember({
  ctx,
  principal,
  input,
}: UseCase<{ readerId: string; atPeriodEnd: boolean }, AdminPrincipal>): Promise<Membership> {
  // After a lost race the decision is made again; the cancellation at Stripe must not be repeated.
  let asked = false;
  return changeMembership(ctx, principal, input.readerId, 'member.cancel', async ({ row, membership }) => {
    const subscriptionId = row.stripeSubscriptionId;
    if (!subscriptionId) throw new ApiError('conflict', 'The member has no Stripe subscription to cancel.');
    const sub = await callStripe(ctx, 'subscriptions.cancel', async (stripe) => {
      try {
        const current = await stripe.subscriptions.retrieve(subscriptionId);
        // A subscription that is over cannot be canceled again (Stripe would refuse it).
        if (asked || !canStillCharge(current.status)) return current;
        if (input.atPeriodEnd) {
          return current.cancel_at_period_end
            ? current
            : await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
        }
        return await stripe.subscriptions.cancel(subscriptionId);
      } catch (err) {
        if (isMissingResource(err)) return null;
        throw err;
      }
    });
    if (!sub) throw new ApiError('conflict', 'Stripe no longer has this subscription.');
    asked = true;
    const next = membershipFromSubscription(
      toSnapshot(ctx.config, sub),
      membership,
      { refundedThrough: row.refundedThrough },
      { now: ctx.now(), graceDays: ctx.config.graceDays },
    );
    return { next: next ?? membership };
  });
}

/**
 * Ends every session of the reader and voids what was issued before now: sessions are deleted,
 * and `revoked_before` makes introspection refuse older entitlement tokens.
 */
export async function revokeSessions({
  ctx,
  principal,
  input,
}: UseCase<{ readerId: string }, AdminPrincipal>): Promise<void> {
  const { reader } = await liveMember(ctx, input.readerId);
  const now = wholeSeconds(ctx.now());
  const [live] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(sessions)
    .where(eq(sessions.readerId, reader.id));
  await ctx.db.batch([
    entitlementEndedRows(ctx, {
      readerId: reader.id,
      reason: 'revoked',
      cause: `revoked:${epochSeconds(now)}`,
    }),
    ctx.db.delete(sessions).where(eq(sessions.readerId, reader.id)),
    ctx.db.update(readers).set({ revokedBefore: now, updatedAt: now }).where(eq(readers.id, reader.id)),
    auditEntry(ctx, principal, {
      action: 'member.revoke_sessions',
      targetType: 'member',
      targetId: reader.id,
      before: { sessions: live?.n ?? 0, revoked_before: rfc3339OrNull(reader.revokedBefore) },
      after: { sessions: 0, revoked_before: rfc3339(now) },
    }),
  ]);
  sendWebhooksSoon(ctx);
  ctx.logger.info('member sessions revoked', { reader_id: reader.id });
}
