/** @module `/v1/events`: retrieve and list (newest first) with `type` (wildcards), `types[]` and `created` filters. */

import { Hono } from 'hono';
import type { EmulatorContext } from '../context';
import { invalidRequest, resourceMissing } from '../errors';
import { optString, optStringList } from '../form';
import { apiRoute, matchesCreated, newestFirst, paginate } from '../http';

/** Stripe's `type` filter accepts `*` as a wildcard (`customer.subscription.*`). */
function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (type) => type === pattern;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (type) => re.test(type);
}

export function eventRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.get(
    '/v1/events/:id',
    apiRoute(ctx, ({ path }) => {
      const id = path.id ?? '';
      const event = ctx.state.eventsById.get(id);
      if (event === undefined) throw resourceMissing('event', id);
      return event;
    }),
  );

  app.get(
    '/v1/events',
    apiRoute(ctx, ({ params }) => {
      const type = optString(params, 'type');
      const types = optStringList(params, 'types');
      if (type !== undefined && types !== undefined) {
        throw invalidRequest('You may only specify one of these parameters: type, types.', 'types');
      }
      if (types !== undefined && types.length > 20)
        throw invalidRequest('types accepts at most 20 values.', 'types');
      const matchers = (types ?? (type === undefined ? [] : [type])).map(typeMatcher);
      const items = newestFirst(ctx.state.events).filter(
        (e) =>
          (matchers.length === 0 || matchers.some((m) => m(e.type))) && matchesCreated(e.created, params),
      );
      return paginate(items, params, '/v1/events');
    }),
  );

  return app;
}
