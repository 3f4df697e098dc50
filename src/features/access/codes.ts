/** @module One-time access codes: issued to a signed-in reader for one publisher, exchanged once for a token. */
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { accessCodes, type PublisherRow } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { type Authenticated, standingSession } from '../readers';
import { type IssuedToken, issueEntitlementToken } from '../tokens';

export const ACCESS_CODE_TTL_SECONDS = 60;
/** Spent and expired codes are kept this long so that a replay is recognised in the logs. */
const ACCESS_CODE_RETENTION_SECONDS = 86_400;
export interface AccessRequest {
  publisher: string;
  returnTo: string;
  article?: string | undefined;
}

/** The canonical `/access` path for a request, e.g. as the `next` of a sign-up form. */
export function accessPath(request: AccessRequest): string {
  const query = new URLSearchParams({ publisher: request.publisher, return_to: request.returnTo });
  if (request.article !== undefined) query.set('article', request.article);
  return `/access?${query.toString()}`;
}

/** Issues a one-time code for the signed-in reader and one publisher (and article). */
export async function issueAccessCode({
  ctx,
  principal: who,
  input,
}: UseCase<{ publisherId: string; article?: string | undefined }, Authenticated>): Promise<string> {
  const code = randomToken(32);
  const now = wholeSeconds(ctx.now());
  await ctx.db.batch([
    ctx.db.insert(accessCodes).values({
      codeHash: await sha256Hex(code),
      publisherId: input.publisherId,
      readerId: who.reader.id,
      sessionId: who.sessionId,
      article: input.article ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ACCESS_CODE_TTL_SECONDS * 1000),
    }),
    ctx.db
      .delete(accessCodes)
      .where(lt(accessCodes.expiresAt, new Date(now.getTime() - ACCESS_CODE_RETENTION_SECONDS * 1000))),
  ]);
  return code;
}

/** One answer for every refused code, so that the answer tells nothing about why. */
const INVALID_CODE = () =>
  new ApiError('invalid_request', 'The code is invalid, expired or already used.', {
    errors: [{ path: 'code', message: 'Invalid, expired or already used' }],
  });

async function whyRefused(ctx: AppContext, hash: string, publisherId: string, now: Date): Promise<string> {
  const [row] = await ctx.db
    .select({
      publisherId: accessCodes.publisherId,
      usedAt: accessCodes.usedAt,
      expiresAt: accessCodes.expiresAt,
    })
    .from(accessCodes)
    .where(eq(accessCodes.codeHash, hash))
    .limit(1);
  if (!row) return 'unknown';
  if (row.publisherId !== publisherId) return 'other_publisher';
  if (row.usedAt !== null) return 'already_used';
  if (row.expiresAt <= now) return 'expired';
  return 'article_mismatch';
}

/**
 * Spends a code for `publisher` and signs the reader's entitlement token, checked again now.
 * The code is spent by one conditional UPDATE (unused, unexpired, this publisher, this article):
 * of two concurrent exchanges only one can match it. Refusals are logged as warnings, since a
 * replayed or foreign code may mean the code leaked.
 */
export async function exchangeAccessCode({
  ctx,
  principal: publisher,
  input,
}: UseCase<{ code: string; article?: string | undefined }, PublisherRow>): Promise<
  IssuedToken & { article: string | null }
> {
  const hash = await sha256Hex(input.code);
  const now = wholeSeconds(ctx.now());
  const [spent] = await ctx.db
    .update(accessCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(accessCodes.codeHash, hash),
        eq(accessCodes.publisherId, publisher.id),
        isNull(accessCodes.usedAt),
        gt(accessCodes.expiresAt, now),
        input.article === undefined ? undefined : eq(accessCodes.article, input.article),
      ),
    )
    .returning({
      sessionId: accessCodes.sessionId,
      readerId: accessCodes.readerId,
      article: accessCodes.article,
    });
  if (!spent) {
    const reason = await whyRefused(ctx, hash, publisher.id, now);
    ctx.logger.warn('access code refused', { publisher_id: publisher.id, reason });
    throw INVALID_CODE();
  }
  const who = await standingSession(ctx, spent.sessionId);
  if (!who) {
    ctx.logger.warn('access code refused', { publisher_id: publisher.id, reason: 'session_ended' });
    throw INVALID_CODE();
  }
  const article = spent.article ?? undefined;
  const issued = await issueEntitlementToken({
    ctx,
    principal: who,
    input: { publisher: publisher.id, article },
  });
  ctx.logger.info('access code exchanged', { publisher_id: publisher.id, reader_id: spent.readerId });
  return { ...issued, article: spent.article };
}
