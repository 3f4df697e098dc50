/**
 * @module Rate limits behind one interface: a fixed-window counter in the database (both doors),
 * or Cloudflare's rate-limiting binding where one is bound for a limit (per-minute limits only:
 * the binding's period is 10 or 60 seconds, and its count is set in wrangler.toml).
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Config } from '../../app/config';
import type { AppContext } from '../../app/context';
import { ApiError } from '../../app/errors';
import { rateLimits } from '../../db/schema';
import { type LimitRule, windowOf } from '../../domain/limits';
import { epochSeconds } from '../../domain/time';
import { sha256Hex } from '../../lib/crypto';

export type LimitName = keyof Config['limits'];

export interface LimitVerdict {
  allowed: boolean;
  retryAfter: number;
}

async function storageKey(name: LimitName, subject: string): Promise<string> {
  // Subjects are emails, IPs and API keys: only a hash of them is stored.
  return `${name}:${(await sha256Hex(subject)).slice(0, 32)}`;
}

/** Counts one event against the limit and says whether it is within it. */
export async function consume(ctx: AppContext, name: LimitName, subject: string): Promise<LimitVerdict> {
  const rule: LimitRule = ctx.config.limits[name];
  if (rule.count === 0) return { allowed: true, retryAfter: 0 };
  const binding = ctx.rateLimitBindings?.[name];
  if (binding) {
    const { success } = await binding.limit({ key: await storageKey(name, subject) });
    return { allowed: success, retryAfter: rule.windowSeconds };
  }
  const now = epochSeconds(ctx.now());
  const window = windowOf(now, rule.windowSeconds);
  const key = await storageKey(name, subject);
  const [row] = await ctx.db
    .insert(rateLimits)
    .values({ key, windowStart: window.start, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
    })
    .returning({ count: rateLimits.count });
  return { allowed: (row?.count ?? 1) <= rule.count, retryAfter: window.retryAfter };
}

/** Whether the limit is already used up, without counting (e.g. before checking a password). */
export async function exhausted(ctx: AppContext, name: LimitName, subject: string): Promise<LimitVerdict> {
  const rule = ctx.config.limits[name];
  if (rule.count === 0 || ctx.rateLimitBindings?.[name]) return { allowed: true, retryAfter: 0 };
  const now = epochSeconds(ctx.now());
  const window = windowOf(now, rule.windowSeconds);
  const [row] = await ctx.db
    .select({ count: rateLimits.count })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, await storageKey(name, subject)), eq(rateLimits.windowStart, window.start)))
    .limit(1);
  return { allowed: (row?.count ?? 0) < rule.count, retryAfter: window.retryAfter };
}

export function rateLimited(verdict: LimitVerdict): ApiError {
  return new ApiError(
    'rate_limited',
    `Too many requests. Try again in ${verdict.retryAfter} seconds.`,
    { retry_after: verdict.retryAfter },
    { 'Retry-After': String(verdict.retryAfter) },
  );
}

/** Counts the event and throws 429 `rate_limited` (with `Retry-After`) when over the limit. */
export async function enforce(ctx: AppContext, name: LimitName, subject: string): Promise<void> {
  const verdict = await consume(ctx, name, subject);
  if (!verdict.allowed) throw rateLimited(verdict);
}

/** Drops windows that ended more than a day ago (run by the scheduled jobs). */
export async function pruneRateLimits(ctx: AppContext): Promise<void> {
  const cutoff = epochSeconds(ctx.now()) - 86_400;
  await ctx.db.delete(rateLimits).where(lt(rateLimits.windowStart, cutoff));
}
