/** @module Fault injection for the fault suite: a second SQLite connection for triggers, and a Stripe stand-in. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Client, createClient } from '@libsql/client';
import { expect } from 'vitest';
import type { NodeDoor } from '../support/node-door';

/** A second connection to the harness's database file: faults are injected from outside the app. */
export function sideConnection(h: NodeDoor): Client {
  const url = h.env.DATABASE_URL;
  if (!url) throw new Error('the harness has no DATABASE_URL');
  return createClient({ url });
}

/** Makes every write of `event` (e.g. `INSERT`) on `table` fail inside SQLite until the trigger is dropped. */
export async function failWrites(db: Client, table: string, event: 'INSERT' | 'UPDATE' | 'DELETE') {
  const name = `inject_${table}_${event.toLowerCase()}`;
  await db.execute(
    `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} BEGIN SELECT RAISE(ABORT, 'injected fault'); END;`,
  );
  return { drop: () => db.execute(`DROP TRIGGER ${name}`).then(() => undefined) };
}

export async function count(db: Client, table: string, where = '1 = 1', args: (string | number)[] = []) {
  const rs = await db.execute({ sql: `SELECT count(*) AS n FROM ${table} WHERE ${where}`, args });
  return Number(rs.rows[0]?.n ?? 0);
}

export async function counts(db: Client, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = await count(db, t);
  return out;
}

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

/** The contract's 503: problem+json, code `unavailable`, nothing internal in the body. */
export function expectUnavailable(res: Answer): void {
  expect(res.status, res.text).toBe(503);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json).toMatchObject({ status: 503, code: 'unavailable' });
  expect(res.text).not.toMatch(/injected|SQLITE|LibsqlError|select |insert into|at \w+ \(/i);
}

export type StandInMode = 'up' | 'error' | 'hang';

export interface StripeStandIn {
  url: string;
  mode: StandInMode;
  /** Requests received since the last `reset()`. */
  requests: number;
  reset(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Stands in for Stripe on a loopback port. `up` forwards to `upstream` (the emulator), `error`
 * answers 500 with Stripe's error shape, `hang` accepts the request and never answers.
 */
export async function startStripeStandIn(upstream: string): Promise<StripeStandIn> {
  const sockets = new Set<Socket>();
  const state = { mode: 'up' as StandInMode, requests: 0 };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    state.requests++;
    const body = await readBody(req);
    if (state.mode === 'hang') return;
    if (state.mode === 'error') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: 'stand-in outage' } }));
      return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection')
        headers.set(k, v);
    }
    const method = req.method ?? 'GET';
    const answer = await fetch(`${upstream}${req.url ?? '/'}`, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    });
    const out = Buffer.from(await answer.arrayBuffer());
    const passed: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (!['content-encoding', 'transfer-encoding', 'content-length', 'connection'].includes(k))
        passed[k] = v;
    });
    res.writeHead(answer.status, passed);
    res.end(out);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(m: StandInMode) {
      state.mode = m;
    },
    get requests() {
      return state.requests;
    },
    reset() {
      state.requests = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
