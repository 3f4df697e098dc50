/**
 * @module The scheduled work of webhooks: announce the entitlements that time alone ended (a
 * trial, a canceled period, a grace period or a comp running out) since the last scan, announce a
 * new signing key in the JWKS, and send what is due.
 */
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { toMembership } from '../../db/memberships';
import { jobState, memberships, readers } from '../../db/schema';
import { RENEWAL_LEEWAY_SECONDS, readerEntitlement, UNVERIFIED_TRIAL_SECONDS } from '../../domain/membership';
import { epochSeconds, wholeSeconds } from '../../domain/time';
import { type DeliveryRun, deliverWebhooks } from './dispatch';
import { broadcastRows, entitlementEndedRows } from './events';

const EXPIRY_JOB = 'webhooks.expiry';
const KEYS_JOB = 'webhooks.jwks';
/** The first scan looks back this far. */
const FIRST_LOOKBACK_SECONDS = 3600;
const MAX_CANDIDATES = 2000;

async function stateOf(ctx: AppContext, name: string) {
  const [row] = await ctx.db.select().from(jobState).where(eq(jobState.name, name)).limit(1);
  return row ?? null;
}

function saveState(ctx: AppContext, name: string, values: { windowStart?: number; cursor?: string }) {
  const now = wholeSeconds(ctx.now());
  return ctx.db
    .insert(jobState)
    .values({ name, ...values, lastRunAt: now })
    .onConflictDoUpdate({ target: jobState.name, set: { ...values, lastRunAt: now } });
}

/**
 * Finds the memberships whose entitlement ended by time in (last scan, now], by the one rule
 * `readerEntitlement`, and announces each end once (keyed by the moment it ended).
 */
export async function announceExpiries(ctx: AppContext): Promise<number> {
  const now = wholeSeconds(ctx.now());
  const to = epochSeconds(now);
  const from = (await stateOf(ctx, EXPIRY_JOB))?.windowStart ?? to - FIRST_LOOKBACK_SECONDS;
  if (from >= to) return 0;
  const inWindow = (expr: unknown) => sql`(${expr} > ${from} and ${expr} <= ${to})`;
  const rows = await ctx.db
    .select({ membership: memberships, reader: readers })
    .from(memberships)
    .innerJoin(readers, eq(readers.id, memberships.readerId))
    .where(
      and(
        isNull(readers.deletedAt),
        or(
          and(eq(memberships.status, 'trialing'), inWindow(memberships.trialEndsAt)),
          and(
            eq(memberships.status, 'trialing'),
            isNull(readers.emailVerifiedAt),
            inWindow(sql`${readers.createdAt} + ${UNVERIFIED_TRIAL_SECONDS}`),
          ),
          and(eq(memberships.status, 'canceled'), inWindow(memberships.currentPeriodEnd)),
          and(eq(memberships.status, 'comped'), inWindow(memberships.compUntil)),
          and(eq(memberships.status, 'past_due'), inWindow(memberships.graceUntil)),
          and(
            eq(memberships.status, 'active'),
            inWindow(sql`${memberships.currentPeriodEnd} + ${RENEWAL_LEEWAY_SECONDS}`),
          ),
        ),
      ),
    )
    .limit(MAX_CANDIDATES);
  if (rows.length === MAX_CANDIDATES) ctx.logger.warn('expiry scan hit its limit', { limit: MAX_CANDIDATES });
  const statements = [];
  for (const { membership: row, reader } of rows) {
    const m = toMembership(row);
    const at = (s: number) => readerEntitlement(reader, m, new Date(s * 1000)).entitled;
    if (!at(from) || at(to)) continue;
    const instants = [
      row.trialEndsAt,
      row.currentPeriodEnd,
      row.currentPeriodEnd && new Date(row.currentPeriodEnd.getTime() + RENEWAL_LEEWAY_SECONDS * 1000),
      row.graceUntil,
      row.compUntil,
      new Date(reader.createdAt.getTime() + UNVERIFIED_TRIAL_SECONDS * 1000),
    ]
      .filter((d): d is Date => d instanceof Date)
      .map(epochSeconds)
      // An end at or before the row's last change came with that change, which announced it.
      .filter((s) => s > from && s <= to && s > epochSeconds(row.updatedAt) && !at(s))
      .sort((a, b) => a - b);
    const ended = instants[0];
    if (ended === undefined) continue;
    statements.push(
      entitlementEndedRows(ctx, { readerId: reader.id, reason: 'expired', cause: `expired:${ended}` }),
    );
  }
  await ctx.db.batch([saveState(ctx, EXPIRY_JOB, { windowStart: to }), ...statements]);
  return statements.length;
}

/** The key ids in the JWKS now. */
function publishedKids(ctx: AppContext): string[] {
  return [ctx.config.signingKey.kid, ...ctx.config.previousKeys.map((k) => String(k.kid))];
}

/**
 * `keys.rotating` to every publisher with an endpoint for each key id that has appeared in the
 * JWKS since the last run (the first run only remembers the keys it finds).
 */
export async function announceNewKeys(ctx: AppContext): Promise<string[]> {
  const kids = publishedKids(ctx);
  const state = await stateOf(ctx, KEYS_JOB);
  const known: string[] = state?.cursor ? (JSON.parse(state.cursor) as string[]) : [];
  const fresh = state ? kids.filter((k) => !known.includes(k)) : [];
  const jwksUri = `${ctx.config.publicUrl}/.well-known/jwks.json`;
  const all = [...new Set([...known, ...kids])];
  await ctx.db.batch([
    saveState(ctx, KEYS_JOB, { cursor: JSON.stringify(all) }),
    ...fresh.map((kid) =>
      broadcastRows(ctx, {
        type: 'keys.rotating',
        data: { kid, active: kid === ctx.config.signingKey.kid, jwks_uri: jwksUri, kids },
        dedupeKey: `keys.rotating:${kid}`,
      }),
    ),
  ]);
  return fresh;
}

/** Everything webhooks do on a scheduled run; each part's failure is logged and the others go on. */
export async function runWebhookJobs(
  ctx: AppContext,
): Promise<{ expired: number; keys: string[]; sent: DeliveryRun | null }> {
  const logged =
    <T>(what: string, fallback: T) =>
    (err: unknown) => {
      ctx.logger.error(`webhooks: ${what} failed`, {
        error: err instanceof Error ? err.message : String(err),
      });
      return fallback;
    };
  const expired = await announceExpiries(ctx).catch(logged('expiry scan', 0));
  const keys = await announceNewKeys(ctx).catch(logged('key announcement', [] as string[]));
  const sent = await deliverWebhooks(ctx).catch(logged('delivery', null));
  return { expired, keys, sent };
}
