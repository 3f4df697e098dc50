/**
 * @module The Node door (`npm start`): the shared app on @hono/node-server, the scheduled jobs on
 * a timer, a clean stop on SIGINT/SIGTERM. Everything else is in src/app/node-context.ts.
 */
import { serve } from '@hono/node-server';
import type { AppContext } from '../app/context';
import { runScheduledJobs } from '../app/jobs';
import { createNodeApp, createNodeContext, withDevSecrets } from '../app/node-context';
import { nodeServerOptions } from '../app/node-response';

async function main(): Promise<void> {
  const env = await withDevSecrets(process.env);
  let ctx: AppContext;
  try {
    ctx = await createNodeContext(env);
  } catch (err) {
    console.error(`Refusing to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const app = createNodeApp(ctx);
  const { port, host, jobsIntervalSeconds } = ctx.config.node;
  const server = serve(
    { fetch: app.fetch, port, hostname: host, serverOptions: nodeServerOptions },
    (info) => {
      console.log(`OnePass listening on http://${host}:${info.port} (${ctx.config.environment})`);
    },
  );
  // The Workers door has a cron trigger; here a timer does the same work (0 turns it off).
  const timer =
    jobsIntervalSeconds > 0
      ? setInterval(() => {
          void runScheduledJobs(ctx);
        }, jobsIntervalSeconds * 1000)
      : undefined;
  timer?.unref();
  const stop = () => {
    if (timer) clearInterval(timer);
    server.close(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
