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
import { stackApp } from './issuance-stack-app';
import { issuanceWork } from './issuance-work';

const [file, port] = process.argv.slice(2);
if (!file || !port) throw new Error('usage: issuance-stack.ts <database file> <port>');
const work = issuanceWork(file);

serve({ fetch: stackApp(work).fetch, port: Number(port), hostname: '127.0.0.1' });
process.once('SIGTERM', () => process.exit(0));
