/** @module Who the reader is: the session by Bearer token or cookie, required (API) or optional (pages). */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, ReaderEnv } from '../../app/env';
import { ApiError } from '../../app/errors';
import { bearerToken, readSessionCookie } from '../../http/cookies';
import { fromOwnOrigin } from '../../http/csrf';
import { type Authenticated, authenticateSession } from './sessions';

const readersOfRequest = new WeakMap<Request, Promise<Authenticated | null>>();

/**
 * The reader signed in by the session cookie, or null: for pages, which answer everyone. Looked up
 * once per request unless `fresh` (e.g. while waiting for a webhook to change the membership).
 */
export function optionalReader<E extends AppEnv>(
  c: Context<E>,
  fresh = false,
): Promise<Authenticated | null> {
  let who = fresh ? undefined : readersOfRequest.get(c.req.raw);
  if (!who) {
    const token = readSessionCookie(c);
    who = token ? authenticateSession(c.get('ctx'), token) : Promise.resolve(null);
    readersOfRequest.set(c.req.raw, who);
  }
  return who;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Requires a signed-in reader. A cookie-carried session on a state-changing call must come from our origin. */
export const requireReader: MiddlewareHandler<ReaderEnv> = async (c, next) => {
  const bearer = bearerToken(c);
  const token = bearer ?? readSessionCookie(c);
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
