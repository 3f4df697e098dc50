/** @module Who the admin is: an admin key (Bearer), with the role the route needs. */
import type { Context, MiddlewareHandler } from 'hono';
import type { AdminEnv, AppEnv } from '../../app/env';
import { ApiError } from '../../app/errors';
import { bearerToken } from '../../http/cookies';
import { type AdminActor, type AdminPrincipal, authenticateAdmin } from './actors';

/** Requires an admin key; `admin` role for mutations, `support` may read. */
export function requireAdmin(role: AdminActor['role'] = 'admin'): MiddlewareHandler<AdminEnv> {
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

/**
 * The gate in front of every `/v1/admin/*` path: `support` may read (GET, HEAD), mutations need
 * `admin`. It is what puts the admin into the context, so it is the one place that views the
 * request as an `AdminEnv` one.
 */
export const adminGate: MiddlewareHandler<AppEnv> = (c, next) => {
  const role = c.req.method === 'GET' || c.req.method === 'HEAD' ? 'support' : 'admin';
  return requireAdmin(role)(c as unknown as Context<AdminEnv>, next);
};

/** The admin principal of a request behind `requireAdmin`. */
export function adminPrincipal(c: Context<AdminEnv>): AdminPrincipal {
  return { actor: c.get('admin'), requestId: c.get('requestId') };
}
