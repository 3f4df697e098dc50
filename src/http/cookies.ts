/**
 * @module The service's own cookies: HttpOnly, SameSite=Lax, `__Host-` outside development (Secure,
 * path `/`, no Domain; plain HTTP development cannot use the prefix). The session cookie and the
 * CSRF cookie are set and read only through here.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../app/config';
import type { AppEnv } from '../app/env';

/** How long a session (and so its cookie) lasts. */
export const SESSION_TTL_SECONDS = 30 * 86_400;

const SESSION_COOKIE = 'onepass_session';

/** `__Host-` pins the cookie to our exact origin over HTTPS; plain HTTP development cannot use it. */
export function sessionCookieName(config: Config): string {
  return config.environment === 'development' ? SESSION_COOKIE : `__Host-${SESSION_COOKIE}`;
}

function secureCookies<E extends AppEnv>(c: Context<E>): boolean {
  return c.get('ctx').config.environment !== 'development';
}

/** Sets one of our cookies for the life of a session. */
export function setOwnCookie<E extends AppEnv>(c: Context<E>, name: string, value: string): void {
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

export function readOwnCookie<E extends AppEnv>(c: Context<E>, name: string): string | undefined {
  return secureCookies(c) ? getCookie(c, name, 'host') : getCookie(c, name);
}

export function setSessionCookie<E extends AppEnv>(c: Context<E>, token: string): void {
  setOwnCookie(c, SESSION_COOKIE, token);
}

export function readSessionCookie<E extends AppEnv>(c: Context<E>): string | undefined {
  return readOwnCookie(c, SESSION_COOKIE);
}

export function clearSessionCookie<E extends AppEnv>(c: Context<E>): void {
  const secure = secureCookies(c);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure, ...(secure ? { prefix: 'host' as const } : {}) });
}

/** The credential of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
