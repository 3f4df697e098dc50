/**
 * @module The workerd bench's setup: the Worker as deployed and the bare floor Worker, one workerd
 * running both on one D1 database with the real migrations, a publisher (admin API) and a reader
 * (signed up over HTTP), as bench/issuance.bench.ts seeds the Node door.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDevSecrets } from '../../src/lib/dev-secrets';
import { seedPublisherAndReader } from '../server';
import { buildWorker, ROOT, type WorkerBuild } from '../worker-build';
import { compatibilityOf, varsOf } from './config';
import { bundleModuleWorker } from './esbuild';
import { type Compatibility, startWorkerd, type Workerd, type WorkerSpec } from './instance';
import { applyMigrations } from './migrations';

export interface BenchWorkers {
  build: WorkerBuild;
  compatibility: Compatibility;
  /** Where the D1 database is kept, for later workerd processes (cold starts) to open. */
  persistDir: string;
  service: WorkerSpec;
  floor: WorkerSpec;
  workerd: Workerd;
  session: string;
  publisher: string;
  /** Disposes of the workerd (if still running), the build and the database. */
  cleanUp(): Promise<void>;
}

/** Builds both Workers, starts them in one workerd (`inspectorPort` for profiling), migrates and seeds. */
export async function setUpWorkers(options: { inspectorPort?: number } = {}): Promise<BenchWorkers> {
  const build = buildWorker();
  // On tmpfs where there is one: local D1 commits (and fsyncs) even after a read, which on this
  // machine's shared disk made the runs measure the disk; Cloudflare's D1 is not on the Worker's CPU.
  const persistDir = mkdtempSync(
    path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'onepass-workerd-'),
  );
  const compatibility = compatibilityOf(ROOT);
  const secrets = await generateDevSecrets();
  const service: WorkerSpec = {
    name: 'service',
    source: { scriptPath: build.script },
    compatibility,
    // wrangler.toml's vars, then what the Node bench sets: the test environment, errors-only logs.
    bindings: { ...varsOf(ROOT), ENVIRONMENT: 'test', LOG_LEVEL: 'error', ...secrets },
    d1: true,
  };
  const floor: WorkerSpec = {
    name: 'floor',
    source: { script: await bundleModuleWorker(path.join(ROOT, 'bench/floor/issuance-worker.ts')) },
    compatibility,
    bindings: { ENTITLEMENT_SIGNING_KEY: secrets.ENTITLEMENT_SIGNING_KEY },
    d1: true,
  };
  const workerd = await startWorkerd([service, floor], persistDir, options);
  await applyMigrations(workerd.mf, ROOT, 'service');
  const url = workerd.urls.service ?? '';
  const { publisherId, sessionToken } = await seedPublisherAndReader(url, secrets.ADMIN_API_KEY);
  let disposed = false;
  return {
    build,
    compatibility,
    persistDir,
    service,
    floor,
    workerd: {
      ...workerd,
      dispose: async () => {
        disposed = true;
        await workerd.dispose();
      },
    },
    session: sessionToken,
    publisher: publisherId,
    async cleanUp() {
      if (!disposed) await workerd.dispose();
      build.remove();
      rmSync(persistDir, { recursive: true, force: true });
    },
  };
}
