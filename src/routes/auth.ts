/** @module Who is calling: reader sessions (Bearer or cookie), admin keys; thin middleware over services. */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import type { Config } from '../config';
import { ApiError } from '../errors';
import { type AdminActor, authenticateAdmin } from '../services/admin';
import { authenticateSession, SESSION_TTL_SECONDS } from '../services/sessions';

/** `__Host-` pins the cookie to our exact origin over HTTPS; plain HTTP development cannot use it. */
export function sessionCookieName(config: Config): string {
  return config.environment === 'development' ? COOKIE : `__Host-${COOKIE}`;
}

const COOKIE = 'onepass_session';

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  const config = c.var.ctx.config;
  const secure = config.environment !== 'development';
  setCookie(c, COOKIE, token, {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'Lax',
    maxAge: SESSION_TTL_SECONDS,
    ...(secure ? { prefix: 'host' as const } : {}),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  const config = c.var.ctx.config;
  const secure = config.environment !== 'development';
  deleteCookie(c, COOKIE, { path: '/', secure, ...(secure ? { prefix: 'host' as const } : {}) });
}

export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function sessionCookie(c: Context<AppEnv>): string | undefined {
  const config = c.var.ctx.config;
  const secure = config.environment !== 'development';
  return secure ? getCookie(c, COOKIE, 'host') : getCookie(c, COOKIE);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Requires a signed-in reader. A cookie-carried session on a state-changing call must come from our origin. */
export const requireReader: MiddlewareHandler<AppEnv> = async (c, next) => {
  const bearer = bearerToken(c);
  const token = bearer ?? sessionCookie(c);
  if (!token)
    throw new ApiError('unauthenticated', 'Sign in first: send the session token as a Bearer token.');
  if (bearer === undefined && !SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== new URL(c.var.ctx.config.publicUrl).origin) {
      throw new ApiError('forbidden', 'Cross-site request refused.');
    }
  }
  const who = await authenticateSession(c.var.ctx, token);
  if (!who) throw new ApiError('unauthenticated', 'The session has expired or was ended. Sign in again.');
  c.set('reader', who);
  await next();
};

/** Requires an admin key; `admin` role for mutations, `support` may read. */
export function requireAdmin(role: AdminActor['role'] = 'admin'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = bearerToken(c);
    const actor = key ? await authenticateAdmin(c.var.ctx, key) : null;
    if (!actor)
      throw new ApiError('unauthenticated', 'A valid admin key is required (Authorization: Bearer).');
    if (role === 'admin' && actor.role !== 'admin') {
      throw new ApiError('forbidden', 'This admin key is read-only (support role).');
    }
    c.set('admin', actor);
    await next();
  };
}
