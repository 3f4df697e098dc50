/** @module Who the publisher is: a publisher API key (Bearer), counted against its call limit. */
import type { Context, MiddlewareHandler } from 'hono';
import type { PublisherEnv } from '../../app/env';
import { ApiError } from '../../app/errors';
import { bearerToken } from '../../http/cookies';
import { enforce } from '../limits';
import { authenticatePublisher } from './keys';
import type { PublisherPrincipal } from './principal';

/** Requires a publisher API key (`Authorization: Bearer ppk_…`). */
export const requirePublisher: MiddlewareHandler<PublisherEnv> = async (c, next) => {
  const key = bearerToken(c);
  const found = key ? await authenticatePublisher(c.get('ctx'), key) : null;
  if (!found) {
    throw new ApiError(
      'unauthenticated',
      'A valid publisher API key is required (Authorization: Bearer ppk_…).',
      {},
      { 'WWW-Authenticate': 'Bearer' },
    );
  }
  // Per key, whoever holds it: a leaked or runaway key cannot flood the service.
  await enforce(c.get('ctx'), 'publisherCalls', found.publisher.id);
  c.set('publisher', found.publisher);
  c.set('publisherKeyId', found.keyId);
  await next();
};

/** The principal of a publisher use-case called with an API key: the key acts as the owner. */
export function publisherPrincipal(c: Context<PublisherEnv>): PublisherPrincipal {
  return {
    publisherId: c.get('publisher').id,
    actor: { keyId: c.get('publisherKeyId'), role: 'owner' },
    requestId: c.get('requestId'),
  };
}
