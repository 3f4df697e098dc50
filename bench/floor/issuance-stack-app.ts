/**
 * @module The house stack floor's app for token issuance: an `OpenAPIHono` route whose JSON body zod
 * validates, over the mandated work (`issuance-work.ts`), and a health route. Served by
 * `issuance-stack.ts`; `bench/profile-diff.ts` calls it in process.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { issuanceWork } from './issuance-work';

const route = createRoute({
  method: 'post',
  path: '/v1/me/entitlement-token',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            publisher: z.string().min(1).max(64),
            article: z.string().min(1).max(256).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'A signed token',
      content: { 'application/json': { schema: z.object({ token: z.string(), expires_at: z.string() }) } },
    },
    401: { description: 'Unknown session' },
  },
});
/** The app over `work` (one database's issuance work). */
export function stackApp(work: ReturnType<typeof issuanceWork>): OpenAPIHono {
  const app = new OpenAPIHono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.openapi(route, (c) => {
    const answer = work(c.req.valid('json').publisher, c.req.header('authorization') ?? '');
    return answer ? c.json(answer as { token: string; expires_at: string }, 200) : c.body(null, 401);
  });
  return app;
}
