/** @module The real drizzle-kit migrations applied to Miniflare's D1, read as the Workers test pool reads them. */
import path from 'node:path';
import { readD1Migrations } from '@cloudflare/vitest-plugin';
import type { Miniflare } from 'miniflare';

/** Applies every migration in `migrations/`, in order, each as one batch (as `wrangler d1 migrations apply` does). */
export async function applyMigrations(mf: Miniflare, root: string, workerName: string): Promise<number> {
  const migrations = await readD1Migrations(path.join(root, 'migrations'));
  const db = await mf.getD1Database('DB', workerName);
  for (const migration of migrations) {
    await db.batch(migration.queries.map((query) => db.prepare(query)));
  }
  return migrations.length;
}
