/** @module The Cloudflare Workers door: requests to the shared app, the cron trigger to the scheduled jobs. */
import { createApp } from '../app/create-app';
import { runScheduledJobs } from '../app/jobs';
import { contextFromBindings, type WorkerBindings } from '../app/worker-context';

const app = createApp((c) => contextFromBindings(c.env as WorkerBindings));

export default {
  fetch: app.fetch,
  /** The cron trigger in wrangler.toml: reconciliation with Stripe and the mail outbox. */
  async scheduled(_controller, env, executionCtx) {
    const ctx = await contextFromBindings(env);
    executionCtx.waitUntil(runScheduledJobs(ctx));
  },
} satisfies ExportedHandler<WorkerBindings>;
