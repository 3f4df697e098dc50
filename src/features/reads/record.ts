/**
 * @module Per-read accounting: publishers report each full-text read with the reader's token; one
 * read counts per pairwise reader, article and UTC day, a token issued for one article counts only
 * that article, and a token issued for none counts within a small daily allowance per reader and
 * publisher. Every refusal is counted where admins see it.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { insertIf } from '../../db/insert-if';
import { type PublisherRow, type READ_REFUSALS, readRefusals, reads } from '../../db/schema';
import { utcDay } from '../../domain/days';
import { wholeSeconds } from '../../domain/time';
import { inspectToken } from '../tokens';

export interface ReadInput {
  token: string;
  article: { id: string; title?: string | undefined; url?: string | undefined };
}

export type ReadOutcome =
  | { counted: true }
  | { counted: false; reason?: 'already_counted' | 'daily_allowance' };

/** Counts one refused read of a publisher's day (an upsert; concurrent refusals all count). */
async function refuse(ctx: AppContext, publisherId: string, reason: (typeof READ_REFUSALS)[number]) {
  await ctx.db
    .insert(readRefusals)
    .values({ publisherId, day: utcDay(ctx.now()), reason, count: 1 })
    .onConflictDoUpdate({
      target: [readRefusals.publisherId, readRefusals.day, readRefusals.reason],
      set: { count: sql`${readRefusals.count} + 1` },
    });
}

/**
 * Records one read. The token must be active and issued to this publisher (else 403 for another
 * publisher's token, 400 for any other inactive token); a token asked for one article counts only
 * for that article (400 for another). The primary key (publisher, subject, article, day) makes
 * retries harmless: a repeat answers `counted: false`. A read through a token bound to no article
 * lands only while the reader's unbound reads of the day stay under the allowance: one conditional
 * insert, so concurrent reports cannot overrun it.
 */
export async function recordRead({
  ctx,
  principal: publisher,
  input,
}: UseCase<ReadInput, PublisherRow>): Promise<ReadOutcome> {
  const inspection = await inspectToken({ ctx, principal: publisher, input: { token: input.token } });
  if (!inspection.active) {
    if (inspection.reason === 'other_publisher') {
      await refuse(ctx, publisher.id, 'other_publisher');
      throw new ApiError(
        'forbidden',
        'The token was issued to another publisher; its reads are not yours to report.',
      );
    }
    await refuse(ctx, publisher.id, 'inactive_token');
    throw new ApiError(
      'invalid_request',
      'The token is not an active entitlement token: it is expired, revoked, malformed or not ours, ' +
        'or the reader is no longer entitled. The read was not counted.',
      { errors: [{ path: 'token', message: 'Not an active entitlement token' }] },
    );
  }
  const { claims, readerId } = inspection;
  const bound = claims.article !== undefined;
  if (bound && claims.article !== input.article.id) {
    await refuse(ctx, publisher.id, 'other_article');
    throw new ApiError('invalid_request', 'The token was issued for another article.', {
      errors: [{ path: 'article.id', message: "Must be the token's article" }],
    });
  }
  const now = wholeSeconds(ctx.now());
  const day = utcDay(now);
  const row = {
    publisherId: publisher.id,
    subject: claims.sub,
    articleId: input.article.id,
    day,
    readerId,
    membership: claims.membership,
    title: input.article.title ?? null,
    url: input.article.url ?? null,
    articleBound: bound,
    createdAt: now,
  } satisfies typeof reads.$inferInsert;
  const unboundToday = sql`(select count(*) from ${reads} where ${and(
    eq(reads.publisherId, publisher.id),
    eq(reads.subject, claims.sub),
    eq(reads.day, day),
    eq(reads.articleBound, false),
  )})`;
  const allowed = bound ? sql`1` : sql`${unboundToday} < ${ctx.config.readsUnboundDaily}`;
  const inserted = await insertIf(ctx.db, reads, row, allowed).returning({ day: reads.day });
  if (inserted.length > 0) return { counted: true };
  const [already] = await ctx.db
    .select({ day: reads.day })
    .from(reads)
    .where(
      and(
        eq(reads.publisherId, publisher.id),
        eq(reads.subject, claims.sub),
        eq(reads.articleId, input.article.id),
        eq(reads.day, day),
      ),
    )
    .limit(1);
  if (already) return { counted: false, reason: 'already_counted' };
  await refuse(ctx, publisher.id, 'daily_allowance');
  return { counted: false, reason: 'daily_allowance' };
}
