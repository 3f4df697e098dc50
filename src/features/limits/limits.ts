/**
 * @module Rate limits behind one interface: a fixed-window budget in the database (both doors),
 * taken by one conditional write so that concurrent requests can never spend more than the limit,
 * or Cloudflare's rate-limiting binding where one is bound for a limit (per-minute limits only:
 * the binding's period is 10 or 60 seconds, and its count is set in wrangler.toml).
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Config } from '../../app/config';
import type { AppContext } from '../../app/context';
import { ApiError } from '../../app/errors';
import { rateLimits } from '../../db/schema';
import { windowOf } from '../../domain/limits';
import { epochSeconds } from '../../domain/time';
import { sha256Hex } from '../../lib/crypto';

export type LimitName = keyof Config['limits'];

/** One unit of a budget that was taken, so that it can be given back (a sign-in that succeeded). */
export interface Ticket {
  key: string;
  windowStart: number;
}

export type LimitVerdict =
  | { allowed: true; retryAfter: 0; ticket: Ticket | null }
  | { allowed: false; retryAfter: number; ticket: null };

async function storageKey(name: LimitName, subject: string): Promise<string> {
  // Subjects are emails, IPs and API keys: only a hash of them is stored.
  return `${name}:${(await sha256Hex(subject)).slice(0, 32)}`;
}

/**
 * Takes one unit of the limit's budget for `subject`, or says it is spent. One statement does both:
 * the upsert adds one only while the window's count is below the limit, and returns a row only
 * when it did, so N concurrent takers get at most `count` units between them, on D1 and on libSQL.
 */
export async function take(ctx: AppContext, name: LimitName, subject: string): Promise<LimitVerdict> {
  const rule = ctx.config.limits[name];
  if (rule.count === 0) return { allowed: true, retryAfter: 0, ticket: null };
  const binding = ctx.rateLimitBindings?.[name];
  if (binding) {
    const { success } = await binding.limit({ key: await storageKey(name, subject) });
    return success
      ? { allowed: true, retryAfter: 0, ticket: null }
      : { allowed: false, retryAfter: rule.windowSeconds, ticket: null };
  }
  const window = windowOf(epochSeconds(ctx.now()), rule.windowSeconds);
  const key = await storageKey(name, subject);
  const taken = await ctx.db
    .insert(rateLimits)
    .values({ key, windowStart: window.start, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
      setWhere: sql`${rateLimits.count} < ${rule.count}`,
    })
    .returning({ count: rateLimits.count });
  return taken.length > 0
    ? { allowed: true, retryAfter: 0, ticket: { key, windowStart: window.start } }
    : { allowed: false, retryAfter: window.retryAfter, ticket: null };
}

/** Gives back a unit taken with `take` (e.g. the sign-in it stood for succeeded). */
export async function giveBack(ctx: AppContext, ticket: Ticket | null): Promise<void> {
  if (!ticket) return;
  await ctx.db
    .update(rateLimits)
    .set({ count: sql`${rateLimits.count} - 1` })
    .where(
      and(
        eq(rateLimits.key, ticket.key),
        eq(rateLimits.windowStart, ticket.windowStart),
        sql`${rateLimits.count} > 0`,
      ),
    );
}

export function rateLimited(verdict: { retryAfter: number }): ApiError {
  return new ApiError(
    'rate_limited',
    `Too many requests. Try again in ${verdict.retryAfter} seconds.`,
    { retry_after: verdict.retryAfter },
    { 'Retry-After': String(verdict.retryAfter) },
  );
}

/** Takes a unit of the budget, or throws 429 `rate_limited` (with `Retry-After`) when it is spent. */
export async function enforce(ctx: AppContext, name: LimitName, subject: string): Promise<Ticket | null> {
  const verdict = await take(ctx, name, subject);
  if (!verdict.allowed) throw rateLimited(verdict);
  return verdict.ticket;
}

/** Drops windows that ended more than a day ago (run by the scheduled jobs). */
export async function pruneRateLimits(ctx: AppContext): Promise<void> {
  const cutoff = epochSeconds(ctx.now()) - 86_400;
  await ctx.db.delete(rateLimits).where(lt(rateLimits.windowStart, cutoff));
}
