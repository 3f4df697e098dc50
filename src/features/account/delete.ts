/**
 * @module Deleting an account, by the reader (`DELETE /v1/me`) or by an admin: Stripe first, then
 * every personal datum erased in one batch, keeping the anonymous reads and the trial tombstone.
 */
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import type { MembershipRow } from '../../db/memberships';
import {
  accessCodes,
  memberships,
  outbox,
  pairwiseSubjects,
  passkeys,
  passwordResets,
  readers,
  reads,
  seats,
  sessions,
  webauthnChallenges,
} from '../../db/schema';
import { canStillCharge } from '../../domain/billing';
import { rfc3339, wholeSeconds } from '../../domain/time';
import type { AdminPrincipal } from '../admin';
import { auditEntry } from '../audit';
import { callStripe, isMissingResource, syncSeatQuantity } from '../billing';
import { type Authenticated, checkPassword, spendMailedCode } from '../readers';
import { entitlementEndedRows, sendWebhooksSoon } from '../webhooks';

/**
 * Cancels, now, every subscription of the reader's Stripe customer that can still charge (and
 * the linked one, should the customer be unknown). Throws 503 when Stripe fails, before anything
 * of ours has changed. The Stripe customer itself stays: invoices are the operator's records.
 */
async function cancelAtStripe(ctx: AppContext, membership: MembershipRow | null): Promise<number> {
  const customer = membership?.stripeCustomerId ?? null;
  const linked = membership?.stripeSubscriptionId ?? null;
  if (!customer && !linked) return 0;
  return callStripe(ctx, 'subscriptions.cancel (account deletion)', async (stripe) => {
    const live = new Set<string>();
    if (customer) {
      const page = await stripe.subscriptions.list({ customer, status: 'all', limit: 100 });
      for (const sub of page.data) if (canStillCharge(sub.status)) live.add(sub.id);
    }
    if (linked && !live.has(linked)) {
      const sub = await stripe.subscriptions.retrieve(linked).catch((err: unknown) => {
        if (isMissingResource(err)) return null;
        throw err;
      });
      if (sub && canStillCharge(sub.status)) live.add(sub.id);
    }
    for (const id of live) {
      await stripe.subscriptions.cancel(id, {
        cancellation_details: { comment: 'account deleted' },
      });
    }
    return live.size;
  });
}

/**
 * Deletes an account: cancels its Stripe subscriptions (a Stripe failure answers 503 and nothing
 * is deleted), then in one batch erases the email, its normalised forms and the password hash,
 * ends every session, drops passkeys, reset links, pending access codes, mail and the pairwise-subject
 * mapping, unlinks the reads (they stay, anonymous, for publishers' numbers and payouts) and
 * expires the membership with its Stripe ids unlinked. The keyed trial tombstone stays, so the
 * same person signing up again gets no second trial.
 */
async function deleteReader(ctx: AppContext, readerId: string, audit: AdminPrincipal | null) {
  const [row] = await ctx.db
    .select({ reader: readers, membership: memberships })
    .from(readers)
    .leftJoin(memberships, eq(memberships.readerId, readers.id))
    .where(eq(readers.id, readerId))
    .limit(1);
  if (!row || row.reader.deletedAt !== null) throw new ApiError('not_found', 'No member has this id.');
  const { reader, membership } = row;

  const canceled = await cancelAtStripe(ctx, membership);
  // A seat the reader held on someone else's subscription: its quantity goes down after.
  const [held] = await ctx.db
    .select({ owner: seats.ownerReaderId, subscriptionId: memberships.stripeSubscriptionId })
    .from(seats)
    .leftJoin(memberships, eq(memberships.readerId, seats.ownerReaderId))
    .where(eq(seats.memberReaderId, readerId))
    .limit(1);

  const now = wholeSeconds(ctx.now());
  const statements = [
    // First: the pairwise subjects it reads are deleted further down this batch.
    entitlementEndedRows(ctx, { readerId, reason: 'deleted', cause: 'deleted' }),
    ctx.db
      .update(readers)
      .set({
        email: null,
        emailKey: null,
        trialIdentity: null,
        passwordHash: null,
        deletedAt: now,
        updatedAt: now,
      })
      .where(and(eq(readers.id, readerId), isNull(readers.deletedAt))),
    ctx.db.delete(sessions).where(eq(sessions.readerId, readerId)),
    ctx.db.delete(passwordResets).where(eq(passwordResets.readerId, readerId)),
    ctx.db.delete(accessCodes).where(eq(accessCodes.readerId, readerId)),
    ctx.db.delete(pairwiseSubjects).where(eq(pairwiseSubjects.readerId, readerId)),
    ctx.db.delete(passkeys).where(eq(passkeys.readerId, readerId)),
    ctx.db.delete(webauthnChallenges).where(eq(webauthnChallenges.readerId, readerId)),
    ctx.db
      .delete(outbox)
      .where(
        reader.email === null
          ? eq(outbox.readerId, readerId)
          : or(eq(outbox.readerId, readerId), eq(outbox.toAddress, reader.email)),
      ),
    ctx.db.update(reads).set({ readerId: null }).where(eq(reads.readerId, readerId)),
    // The seats it gave (their members lost access with it, announced above) and the one it held.
    ctx.db.delete(seats).where(or(eq(seats.ownerReaderId, readerId), eq(seats.memberReaderId, readerId))),
    ctx.db
      .update(memberships)
      .set({
        status: 'expired',
        endedReason: 'canceled',
        plan: null,
        trialEndsAt: null,
        currentPeriodEnd: null,
        cancelAtPeriodEnd: false,
        graceUntil: null,
        compUntil: null,
        compReason: null,
        stripeCustomerId: null,
        stripeSubscriptionId: null,
        refundedThrough: null,
        // A billing write racing this one fails its version check and re-reads a deleted reader.
        version: sql`${memberships.version} + 1`,
        lastEventId: null,
        updatedAt: now,
      })
      .where(eq(memberships.readerId, readerId)),
  ] as const;
  if (audit) {
    await ctx.db.batch([
      ...statements,
      auditEntry(ctx, audit, {
        action: 'member.delete',
        targetType: 'member',
        targetId: readerId,
        // No personal data: the audit log outlives the account.
        before: {
          status: membership?.status ?? null,
          plan: membership?.plan ?? null,
          created_at: rfc3339(reader.createdAt),
        },
        after: { status: 'expired', deleted_at: rfc3339(now), stripe_subscriptions_canceled: canceled },
      }),
    ]);
  } else {
    await ctx.db.batch(statements);
  }
  sendWebhooksSoon(ctx);
  if (held?.subscriptionId) {
    // The seat is gone either way; a quantity Stripe did not take now is set by the owner's next change.
    await syncSeatQuantity(ctx, held.owner, held.subscriptionId).catch((err: unknown) => {
      ctx.logger.warn('seat quantity not set', { owner: held.owner, error: String(err) });
    });
  }
  ctx.logger.info('account deleted', {
    reader_id: readerId,
    by: audit ? audit.actor.keyId : 'reader',
    stripe_subscriptions_canceled: canceled,
  });
}

/** `DELETE /v1/me`: the reader confirms with their password (401 when wrong, same KDF work either way). */
export async function deleteOwnAccount({
  ctx,
  principal: who,
  input,
}: UseCase<{ password: string } | { code: string }, Authenticated>): Promise<void> {
  // The same per-account failure budget as sign-in: deletion is no way round its limit.
  const account = who.reader.emailKey ?? who.reader.id;
  if ('code' in input) {
    // A code mailed to the address (POST /v1/sign-in/email): how an account without a password confirms.
    if (!(await spendMailedCode(ctx, account, input.code))) {
      throw new ApiError('unauthenticated', 'The code is wrong, expired or already used.');
    }
  } else if (!(await checkPassword(ctx, account, input.password, who.reader.passwordHash))) {
    throw new ApiError('unauthenticated', 'The password is incorrect.');
  }
  await deleteReader(ctx, who.reader.id, null);
}

/** `DELETE /v1/admin/members/{id}`: as the reader's own deletion, written to the audit log. */
export async function deleteMember({
  ctx,
  principal,
  input,
}: UseCase<{ readerId: string }, AdminPrincipal>): Promise<void> {
  await deleteReader(ctx, input.readerId, principal);
}
