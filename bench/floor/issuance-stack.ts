/**
 * @module The house stack's floor for token issuance: the same work as the bare floor
 * (`issuance-work.ts`) behind what the service is built on and nothing of the service's own:
 * `@hono/node-server`, an `OpenAPIHono` route whose JSON body zod validates, `c.json` answers.
 * Between the bare floor and the service, it shows what the framework costs and what the service's
 * own code (middleware, the ORM, its use case) adds on top.
 *
 *   node --import tsx bench/floor/issuance-stack.ts <database file> <port>
 */
import { serve } from '@hono/node-server';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { issuanceWork } from './issuance-work';

const [file, port] = process.argv.slice(2);
if (!file || !port) throw new Error('usage: issuance-stack.ts <database file> <port>');
const work = issuanceWork(file);

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
const app = new OpenAPIHono();
app.get('/health', (c) => c.json({ status: 'ok' }));
app.openapi(route, (c) => {
  const answer = work(c.req.valid('json').publisher, c.req.header('authorization') ?? '');
  return answer ? c.json(answer as { token: string; expires_at: string }, 200) : c.body(null, 401);
});
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' });
process.once('SIGTERM', () => process.exit(0));
