/**
 * @module Token introspection (RFC 7662 semantics) for publishers: our own signature, issuer, type,
 * audience and expiry, then the live state of the reader behind the pairwise `sub`.
 */
import { and, eq } from 'drizzle-orm';
import { createLocalJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import type { Config } from '../../app/config';
import type { AppContext, UseCase } from '../../app/context';
import { ownerMemberships, seatJoins, seatMembership, toMembership } from '../../db/memberships';
import { memberships, type PublisherRow, pairwiseSubjects, readers } from '../../db/schema';
import { ENTITLEMENT_KINDS, readerEntitlement } from '../../domain/membership';
import { tokenRevoked } from '../../domain/session';
import { oncePer } from '../../lib/once-per';
import { TOKEN_TYPE } from './issue';
import { jwks } from './jwks';

/** The claims of a token this service issued (see `issueEntitlementToken`). */
const ClaimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.string().min(1).max(200),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1).max(200),
  scope: z.literal('full_text'),
  membership: z.enum(ENTITLEMENT_KINDS),
  entitled_until: z.number().int(),
  article: z.string().optional(),
  meter_used: z.number().int().optional(),
  meter_allowance: z.number().int().optional(),
  meter_resets_at: z.number().int().optional(),
});

export type EntitlementClaims = z.infer<typeof ClaimsSchema>;

/** Why a token is not active; never shown to the publisher (introspection answers only `active: false`). */
export type InactiveReason =
  | 'invalid'
  | 'other_publisher'
  | 'unknown_subject'
  | 'deleted'
  | 'revoked'
  | 'not_entitled';

export type Inspection =
  | { active: true; claims: EntitlementClaims; readerId: string }
  | { active: false; reason: InactiveReason };

/** Compact JWS of our tokens is ~700 characters; anything far longer is not one of ours. */
const MAX_TOKEN_LENGTH = 4096;

/** The active and previous public keys, exactly the JWKS publishers see. */
const keySet = oncePer((config: Config): JWTVerifyGetKey => createLocalJWKSet(jwks(config)));

/** The verified claims, or null for anything else: forged, tampered, expired, malformed, foreign. */
async function verifiedClaims(ctx: AppContext, token: string): Promise<EntitlementClaims | null> {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  try {
    const { payload } = await jwtVerify(token, keySet(ctx.config), {
      // Pinned: `none`, HS256 keyed with our public key and every other algorithm fail here.
      algorithms: ['ES256'],
      typ: TOKEN_TYPE,
      issuer: ctx.config.publicUrl,
      currentDate: ctx.now(),
      requiredClaims: ['sub', 'aud', 'iat', 'exp', 'jti'],
    });
    const claims = ClaimsSchema.safeParse(payload);
    return claims.success ? claims.data : null;
  } catch {
    return null;
  }
}

/**
 * Is `token` an entitlement token for `publisherId` that still holds now? Beyond the signature and
 * the claims, the reader must still exist, not be deleted, not have had their sessions revoked
 * after the token was issued, and still be entitled. One indexed read.
 */
export async function inspectToken({
  ctx,
  principal: publisher,
  input,
}: UseCase<{ token: string }, PublisherRow>): Promise<Inspection> {
  const publisherId = publisher.id;
  const claims = await verifiedClaims(ctx, input.token);
  if (!claims) return { active: false, reason: 'invalid' };
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  if (!audiences.includes(publisherId)) return { active: false, reason: 'other_publisher' };
  const seat = seatJoins(pairwiseSubjects.readerId);
  const [row] = await ctx.db
    .select({
      readerId: readers.id,
      deletedAt: readers.deletedAt,
      createdAt: readers.createdAt,
      emailVerifiedAt: readers.emailVerifiedAt,
      revokedBefore: readers.revokedBefore,
      membership: memberships,
      seat: ownerMemberships,
    })
    .from(pairwiseSubjects)
    .innerJoin(readers, eq(readers.id, pairwiseSubjects.readerId))
    .leftJoin(memberships, eq(memberships.readerId, pairwiseSubjects.readerId))
    .leftJoin(...seat.seat)
    .leftJoin(...seat.owner)
    .where(and(eq(pairwiseSubjects.publisherId, publisherId), eq(pairwiseSubjects.subject, claims.sub)))
    .limit(1);
  if (!row) return { active: false, reason: 'unknown_subject' };
  if (row.deletedAt !== null) return { active: false, reason: 'deleted' };
  if (tokenRevoked(claims.iat, row)) return { active: false, reason: 'revoked' };
  const entitlement = readerEntitlement(
    row,
    toMembership(row.membership),
    ctx.now(),
    seatMembership(row.seat),
  );
  // A metered article was granted on its own, not by the membership: it stays readable until the
  // token expires unless the account is deleted or revoked (both checked above).
  if (!entitlement.entitled && claims.membership !== 'meter')
    return { active: false, reason: 'not_entitled' };
  return { active: true, claims, readerId: row.readerId };
}
