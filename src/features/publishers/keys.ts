/** @module Publisher API keys: made (shown once, stored as SHA-256) and checked. */
import { and, eq, getTableColumns, isNull } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { type PublisherRow, publisherKeys, publishers } from '../../db/schema';
import { randomToken, sha256Hex } from '../../lib/crypto';

/**
 * Publisher keys look like `ppk_live_…` (production) or `ppk_test_…` (elsewhere), so a leaked key is
 * recognisable by secret scanners and by people, and a test key is never mistaken for a live one.
 * Not `pk_…`: that is Stripe's prefix for publishable (public) keys, which scanners ignore.
 */
export function newPublisherKey(ctx: AppContext): { key: string; prefix: string } {
  const mode = ctx.config.environment === 'production' ? 'live' : 'test';
  const key = `ppk_${mode}_${randomToken(32)}`;
  return { key, prefix: key.slice(0, 17) };
}

export interface AuthenticatedPublisher {
  publisher: PublisherRow;
  /** The `pkk_…` id of the key that was used, for the audit log. */
  keyId: string;
}

/** The publisher behind a live (unrevoked) key, or null. */
export async function authenticatePublisher(
  ctx: AppContext,
  apiKey: string,
): Promise<AuthenticatedPublisher | null> {
  if (!/^ppk_(live|test)_[A-Za-z0-9_-]{43}$/.test(apiKey)) return null;
  const [row] = await ctx.db
    .select({ publisher: getTableColumns(publishers), keyId: publisherKeys.id })
    .from(publisherKeys)
    .innerJoin(publishers, eq(publishers.id, publisherKeys.publisherId))
    .where(and(eq(publisherKeys.keyHash, await sha256Hex(apiKey)), isNull(publisherKeys.revokedAt)))
    .limit(1);
  return row ?? null;
}
