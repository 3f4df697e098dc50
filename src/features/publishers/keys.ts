/** @module Publishers: their API keys (made and checked) and the list; onboarding is in admin-publishers.ts. */
import { asc, eq, gt } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { publishers } from '../../db/schema';
import { randomToken, sha256Hex } from '../../lib/crypto';

export type PublisherRow = typeof publishers.$inferSelect;

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

export async function listPublishers({
  ctx,
  input,
}: UseCase<{ limit: number; cursor: string | undefined }>): Promise<{
  data: PublisherRow[];
  nextCursor: string | null;
}> {
  const rows = await ctx.db
    .select()
    .from(publishers)
    .where(input.cursor ? gt(publishers.id, input.cursor) : undefined)
    .orderBy(asc(publishers.id))
    .limit(input.limit + 1);
  const data = rows.slice(0, input.limit);
  const last = data.at(-1);
  return { data, nextCursor: rows.length > input.limit && last ? last.id : null };
}

export async function getPublisher(ctx: AppContext, id: string): Promise<PublisherRow | null> {
  const [row] = await ctx.db.select().from(publishers).where(eq(publishers.id, id)).limit(1);
  return row ?? null;
}

export async function authenticatePublisher(ctx: AppContext, apiKey: string): Promise<PublisherRow | null> {
  if (!/^ppk_(live|test)_[A-Za-z0-9_-]{43}$/.test(apiKey)) return null;
  const [row] = await ctx.db
    .select()
    .from(publishers)
    .where(eq(publishers.apiKeyHash, await sha256Hex(apiKey)))
    .limit(1);
  return row ?? null;
}
