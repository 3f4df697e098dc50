/** @module The claims check: issuer, audience, time window and claim types, into frozen claims. */
import { EntitlementError, expired, malformed } from './errors.js';
import { isFiniteNumber, isNonEmptyString, isStringArray } from './guards.js';
import type { PayloadClaims } from './payload.js';
import type { EntitlementClaims, EntitlementMembership, EntitlementMeter } from './types.js';

/** The memberships a token may carry; anything else is `malformed`. */
export function isMembership(value: unknown): value is EntitlementMembership {
  return (
    value === 'paid' ||
    value === 'trial' ||
    value === 'grace' ||
    value === 'comp' ||
    value === 'meter' ||
    value === 'gift'
  );
}

/**
 * The meter a metered token reports (flat claims `meter_used`, `meter_allowance`, `meter_resets_at`
 * on the wire), or undefined when it reports none; `malformed` when it reports part of one.
 */
function meterOf(payload: PayloadClaims): EntitlementMeter | undefined {
  const { meter_used: used, meter_allowance: allowance, meter_resets_at: resetsAt } = payload;
  if (used === undefined && allowance === undefined && resetsAt === undefined) return undefined;
  if (!isFiniteNumber(used) || !isFiniteNumber(allowance) || !isFiniteNumber(resetsAt)) {
    throw malformed('The token meter claims are incomplete or not numbers');
  }
  return Object.freeze({ used, allowance, resets_at: resetsAt });
}

/** What the claims of a payload are held against. */
export interface ClaimsPolicy {
  readonly issuer: string;
  readonly publisherId: string;
  /** The clock tolerance, in seconds. */
  readonly leeway: number;
}

/** Turns a payload into its claims at `nowSeconds`, or throws the {@link EntitlementError} that refuses it. */
export type ClaimsCheck = (payload: PayloadClaims, nowSeconds: number) => EntitlementClaims;

/** The claims check of one verifier. */
export function createClaimsCheck({ issuer, publisherId, leeway }: ClaimsPolicy): ClaimsCheck {
  return function checkClaims(payload: PayloadClaims, nowSeconds: number): EntitlementClaims {
    if (payload.iss !== issuer) {
      throw new EntitlementError('wrong_issuer', 'The token was issued by another issuer');
    }
    const aud = payload.aud;
    if (aud !== publisherId && !(Array.isArray(aud) && aud.includes(publisherId))) {
      throw new EntitlementError('wrong_audience', 'The token was issued for another publisher');
    }
    const exp = payload.exp;
    if (!isFiniteNumber(exp)) throw malformed('The token has no numeric exp claim');
    if (nowSeconds >= exp + leeway) throw expired(exp);
    const { iat, nbf } = payload;
    if (!isFiniteNumber(iat)) throw malformed('The token has no numeric iat claim');
    if (nbf !== undefined && !isFiniteNumber(nbf)) throw malformed('The nbf claim is not a number');
    if (iat > nowSeconds + leeway || (nbf !== undefined && nbf > nowSeconds + leeway)) {
      throw new EntitlementError('not_yet_valid', 'The token is not valid yet (is a clock wrong?)');
    }
    const { sub, jti, scope, membership, entitled_until: entitledUntil, article } = payload;
    if (scope !== 'full_text') throw malformed('The token scope is not full_text');
    if (!isNonEmptyString(sub) || !isNonEmptyString(jti)) throw malformed('The token sub or jti is missing');
    if (!isMembership(membership)) throw malformed('The token membership is not a known value');
    if (!isFiniteNumber(entitledUntil)) throw malformed('The token entitled_until claim is not a number');
    if (article !== undefined && typeof article !== 'string') {
      throw malformed('The token article is not a string');
    }
    // Only the array form can still be wrong here: a string aud already equals publisherId.
    if (typeof aud !== 'string' && !isStringArray(aud)) throw malformed('The token aud holds a non-string');
    const audience = typeof aud === 'string' ? aud : Object.freeze(aud.slice());
    const claims: { -readonly [K in keyof EntitlementClaims]: EntitlementClaims[K] } = {
      iss: issuer,
      aud: audience,
      sub,
      iat,
      exp,
      jti,
      scope,
      membership,
      entitled_until: entitledUntil,
    };
    if (nbf !== undefined) claims.nbf = nbf;
    if (article !== undefined) claims.article = article;
    const meter = meterOf(payload);
    if (meter !== undefined) claims.meter = meter;
    return Object.freeze(claims);
  };
}
