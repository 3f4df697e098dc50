/**
 * @module CSRF defences of the cookie-authenticated page forms and API calls.
 *
 * Every page form carries a token that is an HMAC, under a key derived from PAIRWISE_SECRET, of the
 * form's action, a random per-browser cookie (set with the first form, HttpOnly) and the session id
 * when signed in. Another site can neither read the token nor set our cookie (`__Host-` outside
 * development), and a token works only for its own form and session. Each submission must also
 * come from our own origin (Origin, or Referer when a browser sends no Origin).
 */
import type { Context } from 'hono';
import type { Config } from '../app/config';
import type { AppEnv } from '../app/env';
import { hmacSha256, randomToken, timingSafeEqual } from '../lib/crypto';
import { oncePer } from '../lib/once-per';
import { readOwnCookie, setOwnCookie } from './cookies';

export type FormAction =
  | 'signup'
  | 'login'
  | 'logout'
  | 'subscribe'
  | 'billing-portal'
  | 'reset-request'
  | 'reset-confirm'
  | 'email-sign-in'
  | 'email-code'
  | 'email-confirm'
  | 'end-other-sessions'
  | 'change-password'
  | 'delete-account'
  | 'delete-code'
  | 'verify-email'
  | 'verify-email-code'
  | 'change-email'
  | 'change-email-code'
  | 'change-email-link'
  | 'delete-passkey'
  | 'gift'
  | 'gift-redeem'
  | 'seat-invite'
  | 'seat-remove'
  | 'seat-leave'
  | 'seat-join'
  /** A console form, by the path it posts to: `console:/admin/members/rdr_…/comp`. */
  | `console:${string}`;

const CSRF_COOKIE = 'onepass_csrf';
const CSRF_COOKIE_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** A cookie minted in this request, so that several forms on one page share it. */
const mintedCsrfCookies = new WeakMap<Request, string>();
const csrfKey = oncePer((config: Config) => hmacSha256(config.pairwiseSecret, 'onepass:csrf-key:v1'));

function readCsrfCookie<E extends AppEnv>(c: Context<E>): string | undefined {
  const value = readOwnCookie(c, CSRF_COOKIE);
  return value !== undefined && CSRF_COOKIE_SHAPE.test(value) ? value : undefined;
}

async function csrfMac<E extends AppEnv>(
  c: Context<E>,
  action: FormAction,
  browser: string,
  sessionId: string | null,
) {
  return hmacSha256(await csrfKey(c.get('ctx').config), `${action}\n${browser}\n${sessionId ?? '-'}`);
}

/** The token for one form on the page being rendered; sets the browser's CSRF cookie if it has none. */
export async function csrfToken<E extends AppEnv>(
  c: Context<E>,
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
export function fromOwnOrigin<E extends AppEnv>(c: Context<E>): boolean {
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
export async function csrfValid<E extends AppEnv>(
  c: Context<E>,
  action: FormAction,
  submitted: unknown,
  sessionId: string | null,
): Promise<boolean> {
  if (!fromOwnOrigin(c)) return false;
  const browser = readCsrfCookie(c);
  if (browser === undefined || typeof submitted !== 'string') return false;
  return timingSafeEqual(submitted, await csrfMac(c, action, browser, sessionId));
}
