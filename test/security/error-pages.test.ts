/**
 * @module Errors by who asks: a browser (Accept: text/html first) gets an HTML page in the reader
 * pages' look, with their headers; every other client gets problem+json. Neither shows a detail.
 */
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failWrites, sideConnection } from '../faults/helpers';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8';

let door: NodeDoor;
let side: Client;
beforeAll(async () => {
  door = await startNodeDoor({ LOG_LEVEL: 'silent' });
  side = sideConnection(door);
});
afterAll(() => {
  side.close();
  door.close();
});

function expectPage(res: { status: number; headers: Headers; text: string }, status: number, words: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(res.text).toMatch(/<!DOCTYPE html>/i);
  expect(res.text).toMatch(words);
  expect(res.text).not.toMatch(/SQLITE|injected|at \w+ \(|stack/i);
}

describe('an unknown address', () => {
  it('is a page for a browser', async () => {
    expectPage(
      await door.call('GET', '/no/such/page', { headers: { accept: BROWSER } }),
      404,
      /Page not found/,
    );
  });

  it.each([undefined, 'application/json', '*/*', 'application/json, text/html;q=0.5'])(
    'is problem+json for Accept %s',
    async (accept) => {
      const res = await door.call('GET', '/no/such/page', { headers: accept ? { accept } : {} });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.json.code).toBe('not_found');
    },
  );
});

describe('a failure on our side', () => {
  it('is a page for a browser and problem+json otherwise, and changes nothing', async () => {
    const fault = await failWrites(side, 'sessions', 'INSERT');
    try {
      const body = { email: `err.${Date.now()}@example.com`, password: 'pass phrase 1' };
      const page = await door.call('POST', '/v1/readers', { body, headers: { accept: BROWSER } });
      expectPage(page, 503, /Something went wrong/);
      const api = await door.call('POST', '/v1/readers', { body });
      expect(api.status).toBe(503);
      expect(api.json.code).toBe('unavailable');
    } finally {
      await fault.drop();
    }
  });
});
