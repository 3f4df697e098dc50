/** @module Who the publisher is: a publisher API key (Bearer), counted against its call limit. */
import type { MiddlewareHandler } from 'hono';
import type { PublisherEnv } from '../../app/env';
import { ApiError } from '../../app/errors';
import { bearerToken } from '../../http/cookies';
import { enforce } from '../limits';
import { authenticatePublisher } from './keys';

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
