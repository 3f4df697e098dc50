/** @module `/v1/prices` and `/v1/products`: the preconfigured catalog, read-only. */

import { Hono } from 'hono';
import type { EmulatorContext } from '../context';
import { resourceMissing } from '../errors';
import { optBool, optString } from '../form';
import { apiRoute, newestFirst, paginate } from '../http';

export function catalogRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.get(
    '/v1/prices/:id',
    apiRoute(ctx, ({ path }) => {
      const id = path.id ?? '';
      const price = ctx.state.prices.get(id);
      if (price === undefined) throw resourceMissing('price', id);
      return price;
    }),
  );

  app.get(
    '/v1/prices',
    apiRoute(ctx, ({ params }) => {
      const active = optBool(params, 'active');
      const product = optString(params, 'product');
      const type = optString(params, 'type');
      const items = newestFirst(ctx.state.prices.values()).filter(
        (p) =>
          (active === undefined || p.active === active) &&
          (product === undefined || p.product === product) &&
          (type === undefined || p.type === type),
      );
      return paginate(items, params, '/v1/prices');
    }),
  );

  app.get(
    '/v1/products/:id',
    apiRoute(ctx, ({ path }) => {
      const id = path.id ?? '';
      const product = ctx.state.products.get(id);
      if (product === undefined) throw resourceMissing('product', id);
      return product;
    }),
  );

  app.get(
    '/v1/products',
    apiRoute(ctx, ({ params }) => paginate(newestFirst(ctx.state.products.values()), params, '/v1/products')),
  );

  return app;
}
