/**
 * @module The scheduled work of webhooks: announce the entitlements that time alone ended (a
 * trial, a canceled period, a grace period or a comp running out) since the last scan, announce a
 * new signing key in the JWKS, and send what is due.
 */
import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
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
/** Candidates read (and announced in one batch) at a time. */
const EXPIRY_PAGE_SIZE = 2000;
/** Pages per run; a window with more candidates goes on from its cursor at the next run. */
const EXPIRY_PAGES_PER_RUN = 10;

async function stateOf(ctx: AppContext, name: string) {
  const [row] = await ctx.db.select().from(jobState).where(eq(jobState.name, name)).limit(1);
  return row ?? null;
}

function saveState(ctx: AppContext, name: string, values: { windowStart?: number; cursor?: string | null }) {
  const now = wholeSeconds(ctx.now());
  return ctx.db
    .insert(jobState)
    .values({ name, ...values, lastRunAt: now })
    .onConflictDoUpdate({ target: jobState.name, set: { ...values, lastRunAt: now } });
}

/** Where a window's scan stopped: its end (fixed until it is done) and the last reader id read. */
interface ExpiryCursor {
  to: number;
  after: string;
}

function expiryCursorOf(text: string | null | undefined): ExpiryCursor | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<ExpiryCursor>;
    return typeof value.to === 'number' && typeof value.after === 'string'
      ? { to: value.to, after: value.after }
      : null;
  } catch {
    return null;
  }
}

/** One page of the memberships whose entitlement may have ended by time in (from, to], by reader id. */
function expiryCandidates(ctx: AppContext, from: number, to: number, after: string | null, limit: number) {
  const inWindow = (expr: unknown) => sql`(${expr} > ${from} and ${expr} <= ${to})`;
  return ctx.db
    .select({ membership: memberships, reader: readers })
    .from(memberships)
    .innerJoin(readers, eq(readers.id, memberships.readerId))
    .where(
      and(
        isNull(readers.deletedAt),
        after === null ? undefined : gt(memberships.readerId, after),
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
    .orderBy(asc(memberships.readerId))
    .limit(limit);
}

/** The `entitlement.ended` rows of the candidates whose entitlement did end by time in (from, to]. */
function expiryRows(
  ctx: AppContext,
  rows: Awaited<ReturnType<typeof expiryCandidates>>,
  from: number,
  to: number,
) {
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
  return statements;
}

/**
 * Finds the memberships whose entitlement ended by time in (last scan, now], by the one rule
 * `readerEntitlement`, and announces each end once (keyed by the moment it ended). The window is
 * read a page at a time in reader id order, each page announced in the batch that saves the
 * cursor (the window's end and the last reader id); a window with more candidates than this run's
 * pages goes on from its cursor at the next run, before any newer window.
 */
export async function announceExpiries(
  ctx: AppContext,
  {
    pageSize = EXPIRY_PAGE_SIZE,
    maxPages = EXPIRY_PAGES_PER_RUN,
  }: { pageSize?: number; maxPages?: number } = {},
): Promise<number> {
  let announced = 0;
  for (let page = 0; page < maxPages; page++) {
    const state = await stateOf(ctx, EXPIRY_JOB);
    const pending = expiryCursorOf(state?.cursor);
    const to = pending?.to ?? epochSeconds(wholeSeconds(ctx.now()));
    const from = state?.windowStart ?? to - FIRST_LOOKBACK_SECONDS;
    if (from >= to) return announced;
    const rows = await expiryCandidates(ctx, from, to, pending?.after ?? null, pageSize);
    const statements = expiryRows(ctx, rows, from, to);
    const last = rows.length === pageSize ? rows.at(-1)?.membership.readerId : undefined;
    await ctx.db.batch([
      saveState(
        ctx,
        EXPIRY_JOB,
        last === undefined
          ? { windowStart: to, cursor: null }
          : { windowStart: from, cursor: JSON.stringify({ to, after: last } satisfies ExpiryCursor) },
      ),
      ...statements,
    ]);
    announced += statements.length;
    // A window finished: done, unless it was an older one left by a run; then the newer one now.
    if (last === undefined && pending === null) return announced;
  }
  ctx.logger.info('expiry scan goes on from its cursor at the next run', { pages: maxPages, pageSize });
  return announced;
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
