/**
 * @module The operations the scale bench times, each through the real HTTP routes of the Node door,
 * each touching different readers (or publishers) on every call so no answer comes from a warm row.
 */
import { encodeCursor } from '../../src/db/pages';
import { PASSWORD, PUBLISHERS, prng, publisherId, publisherKey, readerEmail, sessionToken } from './data';
import { expect } from './timing';

export interface Target {
  url: string;
  adminKey: string;
  readers: number;
  /** `(created_at, id)` of the reader half-way down the newest-first list: where a deep page starts. */
  deep: { at: number; id: string };
}

export interface Operation {
  name: string;
  /** How many timed calls (fewer for the heavy ones). */
  calls: number;
  run(i: number): Promise<void>;
}

const json = (body: unknown, token?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});
const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

/** The operations of issue 16's item 5 but the statement and reconciliation (measured on their own). */
export function operations(t: Target): Operation[] {
  // A different reader for every call, spread over the whole table.
  const pick = prng(7);
  const reader = () => Math.floor(pick() * t.readers);
  // A paying one (readers 8–15 of every 20 are active: bench/scale/seed.ts), for the token.
  const paying = () => Math.floor(pick() * Math.floor(t.readers / 20)) * 20 + 8 + Math.floor(pick() * 8);
  const admin = bearer(t.adminKey);
  return [
    {
      name: 'sign-in (POST /v1/sessions)',
      calls: 20,
      run: async () => {
        await expect(200, `${t.url}/v1/sessions`, json({ email: readerEmail(reader()), password: PASSWORD }));
      },
    },
    {
      name: 'issuance (POST /v1/me/entitlement-token)',
      calls: 200,
      run: async (i) => {
        const body = { publisher: publisherId(i % PUBLISHERS) };
        await expect(200, `${t.url}/v1/me/entitlement-token`, json(body, sessionToken(paying())));
      },
    },
    {
      name: 'members, first page (50)',
      calls: 50,
      run: async () => {
        await expect(200, `${t.url}/v1/admin/members?limit=50`, admin);
      },
    },
    {
      name: 'members, deep page (50, half-way)',
      calls: 50,
      run: async () => {
        await expect(200, `${t.url}/v1/admin/members?limit=50&cursor=${encodeCursor(t.deep)}`, admin);
      },
    },
    {
      name: 'members, search by email',
      calls: 50,
      run: async () => {
        const email = encodeURIComponent(readerEmail(reader()));
        await expect(200, `${t.url}/v1/admin/members?limit=50&email=${email}`, admin);
      },
    },
    {
      name: 'metrics (GET /v1/admin/metrics, 30 days)',
      // Running counts make it cheap: enough calls for a steady median.
      calls: 50,
      run: async () => {
        await expect(200, `${t.url}/v1/admin/metrics`, admin);
      },
    },
    {
      name: "reads report, one publisher's 30 days",
      calls: 20,
      run: async (i) => {
        await expect(200, `${t.url}/v1/publisher/reads`, bearer(publisherKey(i % PUBLISHERS)));
      },
    },
    {
      name: 'reads report, every publisher (admin, 30 days)',
      calls: 5,
      run: async () => {
        await expect(200, `${t.url}/v1/admin/reads`, admin);
      },
    },
    {
      name: 'export of one reader (GET /v1/me/export)',
      calls: 20,
      run: async () => {
        await expect(200, `${t.url}/v1/me/export`, bearer(sessionToken(reader())));
      },
    },
  ];
}
