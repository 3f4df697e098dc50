/** @module Issuing entitlement tokens: ES256 JWTs with pairwise subjects, for an entitled reader and one publisher. */
import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../../app/config';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { type Db, preparedPerDatabase } from '../../db/client';
import { newId } from '../../db/ids';
import { type PublisherRow, pairwiseSubjects, publishers } from '../../db/schema';
import { type Entitlement, tokenLifetime } from '../../domain/membership';
import { meterApplies } from '../../domain/meter';
import { epochSeconds, rfc3339, wholeSeconds } from '../../domain/time';
import { hmacSha256 } from '../../lib/crypto';
import { signEs256 } from '../../lib/jws';
import { oncePer } from '../../lib/once-per';
import { type MeterStatus, takeMeteredArticle } from '../meter';
import { type Authenticated, entitlementOfReader } from '../readers';

export const TOKEN_TYPE = 'entitlement+jwt';

/** The reader's id for one publisher: stable, different for every publisher, not the `rdr_` id. */
export function pairwiseSubject(config: Config, publisherId: string, readerId: string): Promise<string> {
  return hmacSha256(config.pairwiseSecret, `sub:${publisherId}:${readerId}`);
}

export function subscribeUrl(config: Config, publisherId?: string): string {
  const url = new URL('/subscribe', config.publicUrl);
  if (publisherId) url.searchParams.set('publisher', publisherId);
  return url.href;
}

export function notEntitled(
  config: Config,
  entitlement: Exclude<Entitlement, { entitled: true }>,
  publisherId?: string,
  /** The reader's meter when it was tried and is spent: the answer says so. */
  meter?: MeterStatus,
) {
  const messages: Record<typeof entitlement.reason, string> = {
    trial_expired: 'The free trial has ended. Subscribe to keep reading.',
    canceled: 'The membership has ended. Subscribe to keep reading.',
    payment_failed: 'The last payment failed. Update the payment method to keep reading.',
    no_membership: 'There is no membership on this account. Subscribe to start reading.',
    deleted: 'This account has been deleted.',
    email_unverified:
      'The free trial goes on once the email address is confirmed: use the link or code we mailed.',
  };
  const spent = meter
    ? ` The ${meter.allowance} free articles of this month are read; more from ${meter.resetsAt.toISOString().slice(0, 10)}.`
    : '';
  return new ApiError('not_entitled', `${messages[entitlement.reason]}${spent}`, {
    reason: entitlement.reason,
    subscribe_url: subscribeUrl(config, publisherId),
    ...(meter
      ? { meter: { used: meter.used, allowance: meter.allowance, resets_at: rfc3339(meter.resetsAt) } }
      : {}),
  });
}

/** Prepared once per database, like the session lookup. */
const publisherLookup = preparedPerDatabase((db) =>
  db
    .select({ publisher: publishers, knownReader: pairwiseSubjects.readerId })
    .from(publishers)
    .leftJoin(
      pairwiseSubjects,
      and(
        eq(pairwiseSubjects.publisherId, publishers.id),
        eq(pairwiseSubjects.subject, sql.placeholder('subject')),
      ),
    )
    .where(eq(publishers.id, sql.placeholder('publisher')))
    .limit(1)
    .prepare(),
);

/**
 * The publisher and the reader's pairwise subject for it, and whether the service already knows
 * which reader is behind that subject (see `src/db/pairwise.ts`): one indexed read, on a miss of
 * `knownPair`, and the pair remembered for it. Only the first
 * token of a reader for a publisher also writes the mapping (an idempotent insert, so concurrent
 * first issuances are harmless).
 */
async function publisherFor(
  ctx: AppContext,
  publisherId: string,
  readerId: string,
  entitled: boolean,
): Promise<PublisherPair | null> {
  const knownPairs = knownPairsOf(ctx.db);
  const cacheKey = pairKey(publisherId, readerId);
  const subject = await pairwiseSubject(ctx.config, publisherId, readerId);
  const row = await publisherLookup(ctx.db).get({ publisher: publisherId, subject });
  if (!row) return null;
  if (entitled && row.knownReader === null) {
    await ctx.db
      .insert(pairwiseSubjects)
      .values({ publisherId, subject, readerId, createdAt: wholeSeconds(ctx.now()) })
      .onConflictDoNothing();
  }
  const found = { publisher: row.publisher, subject };
  if (entitled || row.knownReader !== null) {
    // Publishers are never deleted and a mapping never changes: a reader's next tokens for this
    // publisher need no query and no HMAC at all. Bounded, first in first out.
    if (knownPairs.size >= KNOWN_PAIRS_MAX) {
      const oldest = knownPairs.keys().next();
      if (oldest.done !== true) knownPairs.delete(oldest.value);
    }
    knownPairs.set(cacheKey, { ...found, until: Date.now() + KNOWN_PAIRS_TTL_MS });
  }
  return found;
}

interface PublisherPair {
  publisher: PublisherRow;
  subject: string;
}

const pairKey = (publisherId: string, readerId: string) => `${publisherId}\n${readerId}`;

/** The pair when a recent token already looked it up: no query, no HMAC, and no promise to wait on. */
function knownPair(ctx: AppContext, publisherId: string, readerId: string): PublisherPair | undefined {
  const hit = knownPairsOf(ctx.db).get(pairKey(publisherId, readerId));
  return hit && hit.until > Date.now() ? hit : undefined;
}

const KNOWN_PAIRS_MAX = 10_000;
const KNOWN_PAIRS_TTL_MS = 5 * 60_000;
/** Per database: (publisher, reader) pairs whose publisher exists and whose mapping is stored there. */
const knownPairsOf = oncePer((_db: Db) => new Map<string, PublisherPair & { until: number }>());

/** The JOSE header of a configuration's tokens: one object, so the signer encodes it once. */
const tokenHeaderOf = oncePer((config: Config) =>
  Object.freeze({ alg: 'ES256', kid: config.signingKey.kid, typ: TOKEN_TYPE }),
);

export interface TokenRequest {
  /** The publisher id (`pub_…`) the token is for: its `aud`. */
  publisher: string;
  /** The article the token is asked for: its `article` claim. */
  article?: string | undefined;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Signs a token for one publisher, or throws 404 (unknown publisher) / 402 (not entitled). */
export async function issueEntitlementToken({
  ctx,
  principal: who,
  input,
}: UseCase<TokenRequest, Authenticated>): Promise<IssuedToken> {
  const now = ctx.now();
  const entitlement = entitlementOfReader(who, now);
  // Without an entitlement, an article may still be read on the meter (METER_FREE_ARTICLES).
  const meterable =
    !entitlement.entitled &&
    input.article !== undefined &&
    ctx.config.meterFreeArticles > 0 &&
    meterApplies(entitlement.reason);
  const found =
    knownPair(ctx, input.publisher, who.reader.id) ??
    (await publisherFor(ctx, input.publisher, who.reader.id, entitlement.entitled || meterable));
  if (!found) throw new ApiError('not_found', 'No publisher has this id.');
  const { publisher, subject } = found;
  const iat = epochSeconds(now);
  let granted: Extract<Entitlement, { entitled: true }>;
  let meter: MeterStatus | undefined;
  if (entitlement.entitled) {
    granted = entitlement;
  } else {
    if (!meterable || input.article === undefined) throw notEntitled(ctx.config, entitlement, publisher.id);
    const taken = await takeMeteredArticle(ctx, {
      readerId: who.reader.id,
      publisherId: publisher.id,
      articleId: input.article,
    });
    if (!taken.granted) throw notEntitled(ctx.config, entitlement, publisher.id, taken);
    meter = taken;
    // The article stays free for the rest of the month: that is when this entitlement ends.
    granted = { entitled: true, kind: 'meter', reason: null, until: meter.resetsAt };
  }
  const lifetime = tokenLifetime(granted, iat, ctx.config.tokenTtlSeconds);
  // One object in its final shape: the signer serialises it as it is.
  const payload: Record<string, unknown> = {
    iss: ctx.config.publicUrl,
    aud: publisher.id,
    sub: subject,
    iat,
    exp: lifetime.exp,
    jti: newId('token'),
    scope: 'full_text',
    membership: granted.kind,
    entitled_until: lifetime.entitledUntil,
  };
  if (meter) {
    payload.meter_used = meter.used;
    payload.meter_allowance = meter.allowance;
    payload.meter_resets_at = epochSeconds(meter.resetsAt);
  }
  if (input.article !== undefined) payload.article = input.article;
  const token = await signEs256(
    ctx.config,
    ctx.config.signingKey.privateJwk,
    tokenHeaderOf(ctx.config),
    payload,
  );
  return { token, expiresAt: new Date(lifetime.exp * 1000) };
}
