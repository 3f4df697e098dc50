/**
 * @module Per-read accounting: publishers report each full-text read with the reader's token; one
 * read counts per pairwise reader, article and UTC day.
 */
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { type PublisherRow, reads } from '../../db/schema';
import { utcDay } from '../../domain/days';
import { wholeSeconds } from '../../domain/time';
import { inspectToken } from '../tokens';

export interface ReadInput {
  token: string;
  article: { id: string; title?: string | undefined; url?: string | undefined };
}

/**
 * Records one read. The token must be active and issued to this publisher (else 403 for another
 * publisher's token, 400 for any other inactive token); a token asked for one article counts only
 * for that article. The primary key (publisher, subject, article, day) makes retries harmless:
 * a repeat answers `counted: false`.
 */
export async function recordRead({
  ctx,
  principal: publisher,
  input,
}: UseCase<ReadInput, PublisherRow>): Promise<{ counted: boolean }> {
  const inspection = await inspectToken({ ctx, principal: publisher, input: { token: input.token } });
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
