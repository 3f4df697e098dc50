/**
 * @module Bound batch statements (src/db/bound.ts) on the Node door's two stores: a libSQL file
 * (the local driver) and a remote libSQL server over Hrana (`@libsql/client`), both migrated.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/app/config';
import type { Db } from '../../src/db/client';
import { openDatabase } from '../../src/db/open';
import { generateDevSecrets } from '../../src/lib/dev-secrets';
import { boundSuite } from '../support/bound-suite';
import { type HranaServer, startHranaServer } from '../support/hrana';

let server: HranaServer;
const open: { local?: Db; remote?: Db } = {};
const closers: (() => void)[] = [];

async function opened(url: string): Promise<Db> {
  const config = await loadConfig({
    ENVIRONMENT: 'test',
    DATABASE_URL: url,
    ...(await generateDevSecrets()),
  });
  const { db, close } = await openDatabase(config);
  closers.push(close);
  return db;
}

beforeAll(async () => {
  server = await startHranaServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-bound-'));
  open.local = await opened(`file:${path.join(dir, 'bound.db')}`);
  open.remote = await opened(server.url);
}, 60_000);
afterAll(async () => {
  for (const close of closers) close();
  await server?.close();
});

boundSuite('local', () => open.local as Db);
boundSuite('remote', () => open.remote as Db);
