/**
 * @module The publisher access flow: where a reader may be sent back to, one-time access codes, and
 * their exchange for an entitlement token.
 */
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ApiError } from '../../app/errors';
import { accessCodes, memberships, readers, sessions } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import { randomToken, sha256Hex } from '../../lib/crypto';
import type { PublisherRow } from '../publishers/keys';
import type { Authenticated } from '../readers/sessions';
import { type IssuedToken, issueEntitlementToken } from '../tokens/issue';

export const ACCESS_CODE_TTL_SECONDS = 60;
/** Spent and expired codes are kept this long so that a replay is recognised in the logs. */
const ACCESS_CODE_RETENTION_SECONDS = 86_400;
const MAX_URL_LENGTH = 2048;

/**
 * True when `value` holds a control character (C0, DEL, C1, line separators) or, unless
 * `spaces` is allowed, whitespace. The URL parser strips or rewrites some of them, so a URL
 * containing them may not mean what it appears to mean.
 */
export function hasControlChars(value: string, spaces = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
    if (c === 0x20 && !spaces) return true;
  }
  return false;
}

/**
 * The publisher page a reader may be sent back to, or null. Only an absolute http(s) URL whose
 * origin is exactly one of `origins` passes. Anything the URL parser would "repair" is refused
 * before parsing rather than trusted after it: backslashes (read as `/` in http URLs), userinfo,
 * percent-escapes in the authority, whitespace and control characters, and scheme-relative or
 * non-http forms (`//host`, `https:host`, `javascript:`).
 */
export function parseReturnTo(raw: string, origins: readonly string[]): URL | null {
  if (raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  if (hasControlChars(raw) || raw.includes('\\')) return null;
  const match = /^(https?):\/\/([^/?#]*)/i.exec(raw);
  const authority = match?.[2];
  if (!authority || authority.includes('@') || authority.includes('%')) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return origins.includes(url.origin) ? url : null;
}

/**
 * A same-origin continuation (`next`) of this service's own pages, as a path, or null. Only a
 * path that starts with a single `/` and stays on `publicUrl`'s origin passes.
 */
export function parseNext(raw: string | undefined, publicUrl: string): string | null {
  if (raw === undefined || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\') || hasControlChars(raw)) {
    return null;
  }
  let url: URL;
  try {
    url = new URL(raw, publicUrl);
  } catch {
    return null;
  }
  // Dot segments can collapse into `//host` (`/.//evil.example`): the result is checked, not the input.
  if (url.origin !== new URL(publicUrl).origin || url.pathname.startsWith('//')) return null;
  return `${url.pathname}${url.search}`;
}

/**
 * `url` with `name=value` in its query. The publisher's own query is kept byte for byte (no
 * re-encoding); only earlier `paywall_*` parameters, which this service owns, are dropped.
 */
export function withPaywallParam(url: URL, name: string, value: string): string {
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && !/^paywall_(code|error)(=|$)/.test(part));
  kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `${url.origin}${url.pathname}?${kept.join('&')}${url.hash}`;
}

export interface AccessRequest {
  publisher: string;
  returnTo: string;
  article?: string | undefined;
}

/** The canonical `/access` path for a request, e.g. as the `next` of a sign-up form. */
export function accessPath(request: AccessRequest): string {
  const query = new URLSearchParams({ publisher: request.publisher, return_to: request.returnTo });
  if (request.article !== undefined) query.set('article', request.article);
  return `/access?${query.toString()}`;
}

/** Issues a one-time code for the signed-in reader and one publisher (and article). */
export async function issueAccessCode(
  ctx: AppContext,
  who: Authenticated,
  input: { publisherId: string; article?: string | undefined },
): Promise<string> {
  const code = randomToken(32);
  const now = wholeSeconds(ctx.now());
  await ctx.db.batch([
    ctx.db.insert(accessCodes).values({
      codeHash: await sha256Hex(code),
      publisherId: input.publisherId,
      readerId: who.reader.id,
      sessionId: who.sessionId,
      article: input.article ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ACCESS_CODE_TTL_SECONDS * 1000),
    }),
    ctx.db
      .delete(accessCodes)
      .where(lt(accessCodes.expiresAt, new Date(now.getTime() - ACCESS_CODE_RETENTION_SECONDS * 1000))),
  ]);
  return code;
}

/** One answer for every refused code, so that the answer tells nothing about why. */
const INVALID_CODE = () =>
  new ApiError('invalid_request', 'The code is invalid, expired or already used.', {
    errors: [{ path: 'code', message: 'Invalid, expired or already used' }],
  });

async function whyRefused(ctx: AppContext, hash: string, publisherId: string, now: Date): Promise<string> {
  const [row] = await ctx.db
    .select({
      publisherId: accessCodes.publisherId,
      usedAt: accessCodes.usedAt,
      expiresAt: accessCodes.expiresAt,
    })
    .from(accessCodes)
    .where(eq(accessCodes.codeHash, hash))
    .limit(1);
  if (!row) return 'unknown';
  if (row.publisherId !== publisherId) return 'other_publisher';
  if (row.usedAt !== null) return 'already_used';
  if (row.expiresAt <= now) return 'expired';
  return 'article_mismatch';
}

/** The session a code was issued under, if it still stands (not ended, expired or revoked). */
async function sessionOfCode(ctx: AppContext, sessionId: string): Promise<Authenticated | null> {
  const [row] = await ctx.db
    .select({ sessionCreatedAt: sessions.createdAt, reader: readers, membership: memberships })
    .from(sessions)
    .innerJoin(readers, eq(readers.id, sessions.readerId))
    .leftJoin(memberships, eq(memberships.readerId, sessions.readerId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, ctx.now())))
    .limit(1);
  if (!row || row.reader.deletedAt !== null) return null;
  if (row.reader.revokedBefore && row.sessionCreatedAt < row.reader.revokedBefore) return null;
  return { reader: row.reader, membershipRow: row.membership, sessionId };
}

/**
 * Spends a code for `publisher` and signs the reader's entitlement token, checked again now.
 * The code is spent by one conditional UPDATE (unused, unexpired, this publisher, this article):
 * of two concurrent exchanges only one can match it. Refusals are logged as warnings, since a
 * replayed or foreign code may mean the code leaked.
 */
export async function exchangeAccessCode(
  ctx: AppContext,
  publisher: PublisherRow,
  input: { code: string; article?: string | undefined },
): Promise<IssuedToken & { article: string | null }> {
  const hash = await sha256Hex(input.code);
  const now = wholeSeconds(ctx.now());
  const [spent] = await ctx.db
    .update(accessCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(accessCodes.codeHash, hash),
        eq(accessCodes.publisherId, publisher.id),
        isNull(accessCodes.usedAt),
        gt(accessCodes.expiresAt, now),
        input.article === undefined ? undefined : eq(accessCodes.article, input.article),
      ),
    )
    .returning({
      sessionId: accessCodes.sessionId,
      readerId: accessCodes.readerId,
      article: accessCodes.article,
    });
  if (!spent) {
    const reason = await whyRefused(ctx, hash, publisher.id, now);
    ctx.logger.warn('access code refused', { publisher_id: publisher.id, reason });
    throw INVALID_CODE();
  }
  const who = await sessionOfCode(ctx, spent.sessionId);
  if (!who) {
    ctx.logger.warn('access code refused', { publisher_id: publisher.id, reason: 'session_ended' });
    throw INVALID_CODE();
  }
  const article = spent.article ?? undefined;
  const issued = await issueEntitlementToken(ctx, who, { publisher: publisher.id, article });
  ctx.logger.info('access code exchanged', { publisher_id: publisher.id, reader_id: spent.readerId });
  return { ...issued, article: spent.article };
}
