/**
 * @module Importing members (a CSV's rows, or a Stripe account's subscriptions): each row checked,
 * then created, linked or skipped with its reason by the one import rule; a dry run says what would
 * happen and changes nothing. Each account written is one batch with its audit row and trial claim.
 */
import { and, eq, isNull, or } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { isUniqueViolation } from '../../db/errors';
import { newId } from '../../db/ids';
import { membershipColumns } from '../../db/memberships';
import { memberships, type ReaderRow, readers, trialClaims } from '../../db/schema';
import {
  type CheckedRow,
  checkImportRow,
  decideImport,
  type Existing,
  type ImportRow,
} from '../../domain/member-import';
import { paysThroughStripe } from '../../domain/membership';
import { wholeSeconds } from '../../domain/time';
import type { AdminPrincipal } from '../admin';
import { auditEntry } from '../audit';
import { trialIdentityHash } from '../readers';

export const MAX_IMPORT_ROWS = 200;

export type ImportOutcome = 'created' | 'linked' | 'skipped' | 'invalid';

export interface ImportResult {
  /** The row's place in the request (the CSV line, or the subscription id). */
  ref: string;
  email: string | null;
  outcome: ImportOutcome;
  reason: string | null;
  readerId: string | null;
}

export interface ImportInput {
  rows: (ImportRow & { ref: string })[];
  dryRun: boolean;
  /** Where the rows come from, for the audit log: `csv` or `stripe`. */
  source: 'csv' | 'stripe';
}

async function existingFor(ctx: AppContext, row: CheckedRow): Promise<Existing> {
  const [found] = await ctx.db
    .select({ id: readers.id, customer: memberships.stripeCustomerId, status: memberships.status })
    .from(readers)
    .leftJoin(memberships, eq(memberships.readerId, readers.id))
    .where(
      and(
        isNull(readers.deletedAt),
        or(eq(readers.emailKey, row.emailKey), eq(readers.trialIdentity, row.trialIdentity)),
      ),
    )
    .limit(1);
  let customerOwner: string | null = null;
  if (row.stripeCustomer) {
    const [owner] = await ctx.db
      .select({ id: memberships.readerId })
      .from(memberships)
      .where(eq(memberships.stripeCustomerId, row.stripeCustomer))
      .limit(1);
    customerOwner = owner?.id ?? null;
  }
  return {
    reader: found
      ? {
          id: found.id,
          stripeCustomerId: found.customer ?? null,
          paying: paysThroughStripe(found.status ? { status: found.status } : null),
          comped: found.status === 'comped',
        }
      : null,
    customerOwner,
  };
}

function snapshot(row: CheckedRow) {
  return {
    status: row.membership.status,
    plan: row.membership.plan,
    stripe_customer: row.stripeCustomer,
  };
}

/** Creates the account of a row: no password (the member signs in by mail), the trial counted as used. */
async function create(
  ctx: AppContext,
  principal: AdminPrincipal,
  row: CheckedRow,
  source: string,
): Promise<string> {
  const now = wholeSeconds(ctx.now());
  const reader: ReaderRow = {
    id: newId('reader'),
    email: row.email,
    emailKey: row.emailKey,
    trialIdentity: row.trialIdentity,
    passwordHash: null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    revokedBefore: null,
    emailVerifiedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(readers).values(reader),
    ctx.db.insert(memberships).values({
      readerId: reader.id,
      ...membershipColumns(row.membership),
      compReason: row.membership.status === 'comped' ? `imported (${source})` : null,
      stripeCustomerId: row.stripeCustomer,
      stripeSubscriptionId: row.stripeSubscription,
      createdAt: now,
      updatedAt: now,
    }),
    ctx.db
      .insert(trialClaims)
      .values({ identityHash: await trialIdentityHash(ctx.config.pairwiseSecret, row.email), claimedAt: now })
      .onConflictDoNothing(),
    auditEntry(ctx, principal, {
      action: 'member.import',
      targetType: 'member',
      targetId: reader.id,
      before: null,
      after: { source, ...snapshot(row) },
    }),
  ]);
  return reader.id;
}

/** Links an existing account: it takes the imported membership and customer (never over a paying one). */
async function link(
  ctx: AppContext,
  principal: AdminPrincipal,
  row: CheckedRow,
  readerId: string,
  source: string,
) {
  const now = wholeSeconds(ctx.now());
  const [before] = await ctx.db.select().from(memberships).where(eq(memberships.readerId, readerId));
  const columns = {
    ...membershipColumns(row.membership),
    compReason: row.membership.status === 'comped' ? `imported (${source})` : null,
    stripeCustomerId: row.stripeCustomer ?? before?.stripeCustomerId ?? null,
    stripeSubscriptionId: row.stripeSubscription ?? before?.stripeSubscriptionId ?? null,
    updatedAt: now,
  };
  await ctx.db.batch([
    before
      ? ctx.db
          .update(memberships)
          .set({ ...columns, version: before.version + 1 })
          .where(and(eq(memberships.readerId, readerId), eq(memberships.version, before.version)))
      : ctx.db.insert(memberships).values({ readerId, ...columns, createdAt: now }),
    auditEntry(ctx, principal, {
      action: 'member.import',
      targetType: 'member',
      targetId: readerId,
      before: before
        ? { status: before.status, plan: before.plan, stripe_customer: before.stripeCustomerId }
        : null,
      after: { source, ...snapshot(row) },
    }),
  ]);
}

/** Imports up to MAX_IMPORT_ROWS rows, in order; a dry run decides each row and writes nothing. */
export async function importMembers({
  ctx,
  principal,
  input,
}: UseCase<ImportInput, AdminPrincipal>): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const raw of input.rows) {
    const checked = checkImportRow(raw, ctx.now(), ctx.config.graceDays);
    if (!checked.ok) {
      results.push({
        ref: raw.ref,
        email: raw.email || null,
        outcome: 'invalid',
        reason: checked.reason,
        readerId: null,
      });
      continue;
    }
    const row = checked.row;
    const decision = decideImport(row, await existingFor(ctx, row));
    const base = { ref: raw.ref, email: row.email };
    if (decision.action === 'skip') {
      results.push({ ...base, outcome: 'skipped', reason: decision.reason, readerId: decision.readerId });
    } else if (input.dryRun) {
      results.push({
        ...base,
        outcome: decision.action === 'create' ? 'created' : 'linked',
        reason: 'dry run: nothing was written',
        readerId: decision.action === 'link' ? decision.readerId : null,
      });
    } else if (decision.action === 'create') {
      try {
        results.push({
          ...base,
          outcome: 'created',
          reason: null,
          readerId: await create(ctx, principal, row, input.source),
        });
      } catch (err) {
        // The same person twice in one import, or an account made meanwhile: the unique indexes decide.
        if (!isUniqueViolation(err, 'readers.') && !isUniqueViolation(err, 'memberships.')) throw err;
        results.push({
          ...base,
          outcome: 'skipped',
          reason: 'an account for this address or customer appeared meanwhile',
          readerId: null,
        });
      }
    } else {
      await link(ctx, principal, row, decision.readerId, input.source);
      results.push({ ...base, outcome: 'linked', reason: null, readerId: decision.readerId });
    }
  }
  ctx.logger.info('members imported', {
    source: input.source,
    dry_run: input.dryRun,
    rows: results.length,
    created: results.filter((r) => r.outcome === 'created').length,
  });
  return results;
}
