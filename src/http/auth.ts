/**
 * @module Who is calling: reader sessions (Bearer or cookie), admin keys, publisher keys, and the
 * CSRF defences of the cookie-authenticated page forms; thin middleware over services.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../app/config';
import type { AppEnv } from '../app/env';
import { ApiError } from '../app/errors';
import { type AdminActor, authenticateAdmin } from '../features/admin/actors';
import { enforce } from '../features/limits/limits';
import { authenticatePublisher, type PublisherRow } from '../features/publishers/keys';
import { type Authenticated, authenticateSession, SESSION_TTL_SECONDS } from '../features/readers/sessions';
import { hmacSha256, randomToken, timingSafeEqual } from '../lib/crypto';
import { oncePer } from '../lib/once-per';

/** `__Host-` pins the cookie to our exact origin over HTTPS; plain HTTP development cannot use it. */
export function sessionCookieName(config: Config): string {
  return config.environment === 'development' ? COOKIE : `__Host-${COOKIE}`;
}

const COOKIE = 'onepass_session';

/** Outside development our cookies are `__Host-` (Secure, path `/`, no Domain); plain HTTP dev cannot. */
function secureCookies(c: Context<AppEnv>): boolean {
  return c.get('ctx').config.environment !== 'development';
}

/** Sets one of our HttpOnly, SameSite=Lax cookies for the life of a session. */
function setOwnCookie(c: Context<AppEnv>, name: string, value: string): void {
  const secure = secureCookies(c);
  setCookie(c, name, value, {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'Lax',
    maxAge: SESSION_TTL_SECONDS,
    ...(secure ? { prefix: 'host' as const } : {}),
  });
}

function readOwnCookie(c: Context<AppEnv>, name: string): string | undefined {
  return secureCookies(c) ? getCookie(c, name, 'host') : getCookie(c, name);
}

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setOwnCookie(c, COOKIE, token);
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  const secure = secureCookies(c);
  deleteCookie(c, COOKIE, { path: '/', secure, ...(secure ? { prefix: 'host' as const } : {}) });
}

export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function sessionCookie(c: Context<AppEnv>): string | undefined {
  return readOwnCookie(c, COOKIE);
}

const readersOfRequest = new WeakMap<Request, Promise<Authenticated | null>>();

/**
 * The reader signed in by the session cookie, or null: for pages, which answer everyone. Looked up
 * once per request unless `fresh` (e.g. while waiting for a webhook to change the membership).
 */
export function optionalReader(c: Context<AppEnv>, fresh = false): Promise<Authenticated | null> {
  let who = fresh ? undefined : readersOfRequest.get(c.req.raw);
  if (!who) {
    const token = sessionCookie(c);
    who = token ? authenticateSession(c.get('ctx'), token) : Promise.resolve(null);
    readersOfRequest.set(c.req.raw, who);
  }
  return who;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Requires a signed-in reader. A cookie-carried session on a state-changing call must come from our origin. */
export const requireReader: MiddlewareHandler<AppEnv> = async (c, next) => {
  const bearer = bearerToken(c);
  const token = bearer ?? sessionCookie(c);
  if (!token)
    throw new ApiError('unauthenticated', 'Sign in first: send the session token as a Bearer token.');
  // Browsers send Origin (or at least Referer) with every state-changing request; a cookie-carried
  // session without either is refused too. Other clients authenticate with the Bearer token.
  if (bearer === undefined && !SAFE_METHODS.has(c.req.method) && !fromOwnOrigin(c)) {
    throw new ApiError(
      'forbidden',
      'Cross-site request refused: a change made with the session cookie must come from this site (Origin or Referer); other clients send the session token as a Bearer token.',
    );
  }
  const who = await authenticateSession(c.get('ctx'), token);
  if (!who) throw new ApiError('unauthenticated', 'The session has expired or was ended. Sign in again.');
  c.set('reader', who);
  await next();
};

/** Requires an admin key; `admin` role for mutations, `support` may read. */
export function requireAdmin(role: AdminActor['role'] = 'admin'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = bearerToken(c);
    const actor = key ? await authenticateAdmin(c.get('ctx'), key) : null;
    if (!actor)
      throw new ApiError('unauthenticated', 'A valid admin key is required (Authorization: Bearer).');
    if (role === 'admin' && actor.role !== 'admin') {
      throw new ApiError('forbidden', 'This admin key is read-only (support role).');
    }
    c.set('admin', actor);
    await next();
  };
}

/** The Hono environment of routes behind a publisher key. */
export type PublisherEnv = AppEnv & { Variables: { publisher: PublisherRow } };

/** Requires a publisher API key (`Authorization: Bearer ppk_…`). */
export const requirePublisher: MiddlewareHandler<PublisherEnv> = async (c, next) => {
  const key = bearerToken(c);
  const publisher = key ? await authenticatePublisher(c.get('ctx'), key) : null;
  if (!publisher) {
    throw new ApiError(
      'unauthenticated',
      'A valid publisher API key is required (Authorization: Bearer ppk_…).',
      {},
      { 'WWW-Authenticate': 'Bearer' },
    );
  }
  // Per key, whoever holds it: a leaked or runaway key cannot flood the service.
  await enforce(c.get('ctx'), 'publisherCalls', publisher.id);
  c.set('publisher', publisher);
  await next();
};

/*
 * CSRF: every page form carries a token that is an HMAC, under a key derived from PAIRWISE_SECRET,
 * of the form's action, a random per-browser cookie (set with the first form, HttpOnly) and the
 * session id when signed in. Another site can neither read the token nor set our cookie (`__Host-`
 * outside development), and a token works only for its own form and session. Each submission must
 * also come from our own origin (Origin, or Referer when a browser sends no Origin).
 */

export type FormAction =
  | 'signup'
  | 'login'
  | 'logout'
  | 'subscribe'
  | 'billing-portal'
  | 'reset-request'
  | 'reset-confirm';

const CSRF_COOKIE = 'onepass_csrf';
const CSRF_COOKIE_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** A cookie minted in this request, so that several forms on one page share it. */
const mintedCsrfCookies = new WeakMap<Request, string>();
const csrfKey = oncePer((config: Config) => hmacSha256(config.pairwiseSecret, 'onepass:csrf-key:v1'));

function readCsrfCookie(c: Context<AppEnv>): string | undefined {
  const value = readOwnCookie(c, CSRF_COOKIE);
  return value !== undefined && CSRF_COOKIE_SHAPE.test(value) ? value : undefined;
}

async function csrfMac(c: Context<AppEnv>, action: FormAction, browser: string, sessionId: string | null) {
  return hmacSha256(await csrfKey(c.get('ctx').config), `${action}\n${browser}\n${sessionId ?? '-'}`);
}

/** The token for one form on the page being rendered; sets the browser's CSRF cookie if it has none. */
export async function csrfToken(
  c: Context<AppEnv>,
  action: FormAction,
  sessionId: string | null,
): Promise<string> {
  let browser = readCsrfCookie(c) ?? mintedCsrfCookies.get(c.req.raw);
  if (browser === undefined) {
    browser = randomToken(32);
    mintedCsrfCookies.set(c.req.raw, browser);
    setOwnCookie(c, CSRF_COOKIE, browser);
  }
  return csrfMac(c, action, browser, sessionId);
}

/** True when the request was sent by a page of our own origin (Origin, else Referer; neither: no). */
export function fromOwnOrigin(c: Context<AppEnv>): boolean {
  const expected = new URL(c.get('ctx').config.publicUrl).origin;
  const origin = c.req.header('origin');
  if (origin !== undefined) return origin === expected;
  const referer = c.req.header('referer');
  if (!referer) return false;
  try {
    return new URL(referer).origin === expected;
  } catch {
    return false;
  }
}

/** Checks a submitted form: our origin, and the token of this action, browser and session. */
export async function csrfValid(
  c: Context<AppEnv>,
  action: FormAction,
  submitted: unknown,
  sessionId: string | null,
): Promise<boolean> {
  if (!fromOwnOrigin(c)) return false;
  const browser = readCsrfCookie(c);
  if (browser === undefined || typeof submitted !== 'string') return false;
  return timingSafeEqual(submitted, await csrfMac(c, action, browser, sessionId));
}
