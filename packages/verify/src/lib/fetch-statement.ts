/** @module Fetching a statement with every page of the publisher's leaves from the publisher API. */
import { isRecord } from './guards.js';
import type { StatementLeaf } from './merkle.js';

/** The API's answer, with every page of leaves gathered (`next_cursor` null): what the CLI reads. */
export interface StatementDocument {
  id: string;
  month: string;
  currency: string;
  publisher_id: string;
  statement: string;
  leaves: StatementLeaf[];
  next_cursor: null;
  [field: string]: unknown;
}

export interface FetchStatementOptions {
  /** The service's public URL, e.g. `https://onepass.example`. */
  baseUrl: string;
  /** The publisher's API key. */
  apiKey: string;
  /** `YYYY-MM`; without it, the newest statement. */
  month?: string;
  currency?: string;
  fetch?: typeof fetch;
}

/**
 * GETs `/v1/publisher/statements/{month}` and follows `next_cursor` until every leaf is in, 10 000
 * at a time; resolves the whole answer, ready for `verifyStatement` (or to save for the CLI).
 * Rejects with an Error naming the HTTP status when the service refuses.
 *
 * @example
 * ```ts
 * const doc = await fetchStatement({ baseUrl: ONEPASS, apiKey: process.env.ONEPASS_KEY });
 * const result = await verifyStatement({ ...doc, publisherId: doc.publisher_id, issuer: ONEPASS });
 * ```
 */
export async function fetchStatement(options: FetchStatementOptions): Promise<StatementDocument | null> {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const get = async (path: string): Promise<Record<string, unknown>> => {
    const response = await doFetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
    });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok || !isRecord(body)) throw new Error(`GET ${path} answered HTTP ${response.status}`);
    return body;
  };
  let month = options.month;
  let currency = options.currency;
  if (month === undefined) {
    const list = await get('/v1/publisher/statements?limit=1');
    const newest = Array.isArray(list.data) ? list.data[0] : undefined;
    if (!isRecord(newest)) return null;
    month = String(newest.month);
    currency = String(newest.currency);
  }
  const query = (cursor: string | null) => {
    const params = new URLSearchParams({ limit: '10000' });
    if (currency !== undefined) params.set('currency', currency);
    if (cursor !== null) params.set('cursor', cursor);
    return `/v1/publisher/statements/${encodeURIComponent(month)}?${params}`;
  };
  const first = await get(query(null));
  const leaves: StatementLeaf[] = Array.isArray(first.leaves) ? [...(first.leaves as StatementLeaf[])] : [];
  let cursor = typeof first.next_cursor === 'string' ? first.next_cursor : null;
  while (cursor !== null) {
    const page = await get(query(cursor));
    if (page.statement !== first.statement) throw new Error('The statement changed between pages of leaves');
    if (Array.isArray(page.leaves)) leaves.push(...(page.leaves as StatementLeaf[]));
    cursor = typeof page.next_cursor === 'string' ? page.next_cursor : null;
  }
  return { ...first, leaves, next_cursor: null, leaves_url: null } as unknown as StatementDocument;
}
