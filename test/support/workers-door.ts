/** @module The Door of the Workers runtime: the Worker's own fetch (SELF) in workerd, on its D1 binding. */
import { env, SELF } from 'cloudflare:test';
import type { SQL } from 'drizzle-orm';
import { loadConfig } from '../../src/app/config';
import { d1Db } from '../../src/db/client';
import { answerOf, BASE, type Door, requestOf } from './door';

const db = d1Db(env.DB);

export const workersDoor: Door = {
  name: 'workerd',
  base: BASE,
  adminKey: env.ADMIN_API_KEY,
  async call(method, path, options = {}) {
    const { headers, body } = requestOf(options);
    return answerOf(await SELF.fetch(`${BASE}${path}`, { method, headers, body }));
  },
  fetch: (input, init) => SELF.fetch(input instanceof Request ? input : String(input), init),
  query: <T>(statement: SQL) => db.all<T>(statement),
  config: () => loadConfig(env as unknown as Record<string, unknown>),
};
