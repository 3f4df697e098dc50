/**
 * @module Per-read accounting: publishers report each full-text read with the reader's token; one
 * read counts per pairwise reader, article and UTC day. And each publisher's own numbers.
 */
import { and, asc, count, countDistinct, eq, gte, lte } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ApiError } from '../../app/errors';
import { reads } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import type { PublisherRow } from '../publishers/keys';
import { inspectToken } from '../tokens/introspect';

export interface ReadInput {
  token: string;
  article: { id: string; title?: string | undefined; url?: string | undefined };
}

/** `YYYY-MM-DD` of the UTC day `date` falls on. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Records one read. The token must be active and issued to this publisher (else 403 for another
 * publisher's token, 400 for any other inactive token); a token asked for one article counts only
 * for that article. The primary key (publisher, subject, article, day) makes retries harmless:
 * a repeat answers `counted: false`.
 */
export async function recordRead(
  ctx: AppContext,
  publisher: PublisherRow,
  input: ReadInput,
): Promise<{ counted: boolean }> {
  const inspection = await inspectToken(ctx, input.token, publisher.id);
  if (!inspection.active) {
    if (inspection.reason === 'other_publisher') {
      throw new ApiError(
        'forbidden',
        'The token was issued to another publisher; its reads are not yours to report.',
      );
    }
    throw new ApiError(
      'invalid_request',
      'The token is not an active entitlement token: it is expired, revoked, malformed or not ours, ' +
        'or the reader is no longer entitled. The read was not counted.',
      { errors: [{ path: 'token', message: 'Not an active entitlement token' }] },
    );
  }
  const { claims, readerId } = inspection;
  if (claims.article !== undefined && claims.article !== input.article.id) {
    throw new ApiError('invalid_request', 'The token was issued for another article.', {
      errors: [{ path: 'article.id', message: "Must be the token's article" }],
    });
  }
  const now = wholeSeconds(ctx.now());
  const inserted = await ctx.db
    .insert(reads)
    .values({
      publisherId: publisher.id,
      subject: claims.sub,
      articleId: input.article.id,
      day: utcDay(now),
      readerId,
      membership: claims.membership,
      title: input.article.title ?? null,
      url: input.article.url ?? null,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ day: reads.day });
  return { counted: inserted.length > 0 };
}

export interface DayCount {
  date: string;
  reads: number;
  unique_readers: number;
}

export interface ReadsReport {
  from: string;
  to: string;
  reads: number;
  unique_readers: number;
  days: DayCount[];
}

/** Every `YYYY-MM-DD` from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) out.push(utcDay(new Date(t)));
  return out;
}

/**
 * A publisher's reads between two UTC days (both included), by SQL aggregates over the
 * (publisher, day) index. `unique_readers` of the whole range counts each pairwise reader once,
 * so it is not the sum of the days'. Days without reads are listed with zeros.
 */
export async function publisherReads(
  ctx: AppContext,
  publisherId: string,
  range: { from: string; to: string },
): Promise<ReadsReport> {
  const where = and(eq(reads.publisherId, publisherId), gte(reads.day, range.from), lte(reads.day, range.to));
  const [byDay, totals] = await ctx.db.batch([
    ctx.db
      .select({ day: reads.day, reads: count(), uniqueReaders: countDistinct(reads.subject) })
      .from(reads)
      .where(where)
      .groupBy(reads.day)
      .orderBy(asc(reads.day)),
    ctx.db
      .select({ reads: count(), uniqueReaders: countDistinct(reads.subject) })
      .from(reads)
      .where(where),
  ]);
  const found = new Map(byDay.map((d) => [d.day, d]));
  return {
    from: range.from,
    to: range.to,
    reads: totals[0]?.reads ?? 0,
    unique_readers: totals[0]?.uniqueReaders ?? 0,
    days: daysBetween(range.from, range.to).map((date) => ({
      date,
      reads: found.get(date)?.reads ?? 0,
      unique_readers: found.get(date)?.uniqueReaders ?? 0,
    })),
  };
}
