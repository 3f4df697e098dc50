/**
 * @module The Node door's outgoing message (src/app/node-response.ts) on a real node:http server:
 * every way node:http lets an answer write its head keeps the stamped headers under the answer's
 * own, each header once.
 */
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeServerOptions, StampedResponse } from '../../src/app/node-response';

const STAMP = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };

const ANSWERS: Record<string, (res: ServerResponse) => void> = {
  '/plain': (res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok'),
  '/own-cache-control': (res) => res.writeHead(200, { 'Cache-Control': 'public, max-age=60' }).end('ok'),
  '/with-message': (res) => res.writeHead(201, 'Made', { 'content-type': 'text/plain' }).end('ok'),
  '/raw-list': (res) =>
    res.writeHead(200, ['Content-Type', 'text/plain', 'Cache-Control', 'max-age=1']).end(),
  '/preset': (res) => {
    res.setHeader('Cache-Control', 'private');
    res.writeHead(200, { 'content-type': 'text/plain' }).end();
  },
  '/implicit': (res) => res.end('implicit'),
  '/cookies': (res) => res.writeHead(200, { 'set-cookie': ['a=1', 'b=2'] }).end(),
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(nodeServerOptions, (req, res) => {
    expect(res).toBeInstanceOf(StampedResponse);
    (res as StampedResponse).stamp('req_test', STAMP);
    ANSWERS[req.url ?? '']?.(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Status, message and the raw header list (names lower-cased, in order, repeats kept). */
function get(path: string) {
  return new Promise<{ status: number; message: string; headers: [string, string][] }>((resolve, reject) => {
    request(`${base}${path}`, (res) => {
      res.resume();
      res.on('end', () => {
        const headers: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          headers.push([(res.rawHeaders[i] as string).toLowerCase(), res.rawHeaders[i + 1] as string]);
        resolve({ status: res.statusCode ?? 0, message: res.statusMessage ?? '', headers });
      });
    })
      .on('error', reject)
      .end();
  });
}
const values = (headers: [string, string][], name: string) =>
  headers.filter(([n]) => n === name).map(([, v]) => v);

describe('StampedResponse', () => {
  it.each(Object.keys(ANSWERS))('%s carries the stamp, each header once', async (path) => {
    const { headers } = await get(path);
    expect(values(headers, 'x-request-id')).toEqual(['req_test']);
    expect(values(headers, 'x-content-type-options')).toEqual(['nosniff']);
    expect(values(headers, 'cache-control')).toHaveLength(1);
  });

  it("lets the answer's own headers, and those already set on the message, win", async () => {
    expect(values((await get('/plain')).headers, 'cache-control')).toEqual(['no-store']);
    expect(values((await get('/own-cache-control')).headers, 'cache-control')).toEqual([
      'public, max-age=60',
    ]);
    expect(values((await get('/raw-list')).headers, 'cache-control')).toEqual(['max-age=1']);
    expect(values((await get('/preset')).headers, 'cache-control')).toEqual(['private']);
  });

  it('keeps the status message, repeated headers and an implicit head', async () => {
    const made = await get('/with-message');
    expect([made.status, made.message]).toEqual([201, 'Made']);
    expect(values(made.headers, 'content-type')).toEqual(['text/plain']);
    expect(values((await get('/cookies')).headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect((await get('/implicit')).status).toBe(200);
  });
});
