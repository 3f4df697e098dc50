/** @module The `/v1` request pipeline: API key, form parsing, idempotency, `expand[]`, list pagination, Stripe errors. */

import type { Context } from 'hono';
import type Stripe from 'stripe';
import { EMULATOR_API_VERSION } from './constants';
import type { EmulatorContext } from './context';
import { EmulatorApiError, invalidRequest, type StripeErrorBody } from './errors';
import {
  canonicalParams,
  type FormObject,
  optInt,
  optObject,
  optString,
  optStringList,
  parseForm,
} from './form';
import { randomToken } from './ids';
import { refuseUnknownParams } from './params';
import { snapshot } from './store';

export interface ApiRequest {
  params: FormObject;
  path: Record<string, string>;
}

/** Handlers are synchronous so that events they emit can carry this request's id without interleaving. */
export type ApiHandler = (req: ApiRequest) => object;

function redact(key: string): string {
  return key.length <= 12
    ? '***'
    : `${key.slice(0, 8)}${'*'.repeat(Math.max(4, key.length - 12))}${key.slice(-4)}`;
}

function authenticate(header: string | undefined, secretKey: string): void {
  let key: string | undefined;
  if (header?.startsWith('Bearer ')) key = header.slice(7).trim();
  else if (header?.startsWith('Basic ')) key = atob(header.slice(6).trim()).split(':')[0];
  if (key === undefined || key === '') {
    throw new EmulatorApiError(401, {
      type: 'invalid_request_error',
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    });
  }
  if (key !== secretKey) {
    throw new EmulatorApiError(401, {
      type: 'invalid_request_error',
      code: 'api_key_invalid',
      message: `Invalid API Key provided: ${redact(key)}`,
    });
  }
}

function jsonResponse(
  status: number,
  text: string,
  requestId: string,
  extra: Record<string, string> = {},
): Response {
  return new Response(text, {
    status,
    headers: {
      'Content-Type': 'application/json',
      'Request-Id': requestId,
      'Stripe-Version': EMULATOR_API_VERSION,
      'Cache-Control': 'no-cache, no-store',
      ...extra,
    },
  });
}

export function errorResponse(status: number, body: StripeErrorBody, requestId: string): Response {
  return jsonResponse(status, JSON.stringify({ error: body }, null, 2), requestId);
}

export function newRequestId(): string {
  return `req_${randomToken(14)}`;
}

const MAX_IDEMPOTENCY_KEYS = 10_000;

/** Wraps a handler with everything Stripe does around it; only `POST` results are kept for idempotent replay. */
export function apiRoute(ctx: EmulatorContext, handler: ApiHandler) {
  return async (c: Context): Promise<Response> => {
    const requestId = newRequestId();
    const method = c.req.method;
    const path = new URL(c.req.url).pathname;
    const key = method === 'POST' ? (c.req.header('idempotency-key') ?? null) : null;
    const route = `${method} ${c.req.routePath}`;
    ctx.apiCalls.set(route, (ctx.apiCalls.get(route) ?? 0) + 1);
    let fingerprint = '';
    try {
      authenticate(c.req.header('authorization'), ctx.config.secretKey);
      const query = parseForm(new URL(c.req.url).search.slice(1));
      const body = method === 'GET' ? {} : parseForm(await c.req.text());
      const params = { ...query, ...body };
      refuseUnknownParams(method, c.req.routePath, params);
      fingerprint = canonicalParams(params);
      if (key !== null) {
        const stored = ctx.state.idempotency.get(key);
        if (stored !== undefined) {
          if (stored.method !== method || stored.path !== path || stored.fingerprint !== fingerprint) {
            throw new EmulatorApiError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            });
          }
          return jsonResponse(stored.status, stored.body, requestId, {
            'Idempotent-Replayed': 'true',
            'Original-Request': stored.requestId,
          });
        }
      }
      ctx.request = { id: requestId, idempotency_key: key };
      let result: object;
      try {
        result = handler({ params, path: c.req.param() });
      } finally {
        ctx.request = null;
      }
      const text = JSON.stringify(expandAll(ctx, result, optStringList(params, 'expand') ?? []), null, 2);
      remember(ctx, key, { method, path, fingerprint, status: 200, body: text, requestId });
      return jsonResponse(200, text, requestId);
    } catch (err) {
      if (err instanceof EmulatorApiError) {
        const text = JSON.stringify({ error: err.body }, null, 2);
        // Stripe replays results of requests that ran (a declined payment), not rejected input.
        if (err.status === 402)
          remember(ctx, key, { method, path, fingerprint, status: 402, body: text, requestId });
        return jsonResponse(err.status, text, requestId);
      }
      ctx.config.log(
        `error ${requestId} ${method} ${path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return errorResponse(
        500,
        { type: 'api_error', message: 'An unexpected error occurred in the emulator.' },
        requestId,
      );
    }
  };
}

function remember(
  ctx: EmulatorContext,
  key: string | null,
  result: {
    method: string;
    path: string;
    fingerprint: string;
    status: number;
    body: string;
    requestId: string;
  },
): void {
  if (key === null) return;
  const store = ctx.state.idempotency;
  store.set(key, result);
  // Stripe forgets keys after a day; a long dev session here just keeps the most recent ones.
  if (store.size > MAX_IDEMPOTENCY_KEYS) {
    const oldest = store.keys().next().value;
    if (oldest !== undefined) store.delete(oldest);
  }
}

/** Finds any stored object by id, for `expand[]`; deleted customers expand to their stub. */
function lookup(ctx: EmulatorContext, id: string): object | undefined {
  const s = ctx.state;
  const customer = s.customers.get(id);
  if (customer !== undefined) {
    return customer.deleted ? { id, object: 'customer', deleted: true } : customer.customer;
  }
  return (
    s.subscriptions.get(id)?.subscription ??
    s.invoices.get(id)?.invoice ??
    s.charges.get(id) ??
    s.refunds.get(id) ??
    s.checkoutSessions.get(id)?.session ??
    s.prices.get(id) ??
    s.products.get(id) ??
    s.eventsById.get(id)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object id (`sub_…`, `cs_test_…`), as opposed to a plain string value such as a status. */
function looksLikeId(value: string): boolean {
  const m = /^[a-z]+(?:_test)?_([A-Za-z0-9]{8,})$/.exec(value);
  return m !== null && /[A-Z0-9]/.test(m[1] ?? '');
}

/** Stripe's answer to an `expand[]` path that names no expandable property. */
function notExpandable(path: string): EmulatorApiError {
  return new EmulatorApiError(400, {
    type: 'invalid_request_error',
    message: `This property cannot be expanded (${path}).`,
    param: 'expand',
  });
}

function expandPath(ctx: EmulatorContext, node: unknown, segs: string[], path = segs.join('.')): void {
  const [head, ...rest] = segs;
  if (head === undefined) return;
  if (Array.isArray(node)) {
    for (const item of node) expandPath(ctx, item, segs, path);
    return;
  }
  if (!isRecord(node)) return;
  // A property the object does not have, or one that holds a plain value, cannot be expanded.
  if (!(head in node)) throw notExpandable(path);
  const value = node[head];
  if (value !== null && typeof value !== 'object' && !(typeof value === 'string' && looksLikeId(value))) {
    throw notExpandable(path);
  }
  if (typeof value === 'string') {
    const found = lookup(ctx, value);
    // Unknown targets (e.g. payment intents, which the emulator does not model) stay ids.
    if (found !== undefined) node[head] = snapshot(found);
  }
  expandPath(ctx, node[head], rest, path);
}

/** Applies `expand[]` to a wire copy of the answer (stored objects are never modified). */
export function expandAll(ctx: EmulatorContext, result: object, expand: string[]): unknown {
  const copy: unknown = snapshot(result);
  for (const path of expand) expandPath(ctx, copy, path.split('.'));
  return copy;
}

/** `created` filters as Stripe takes them: an exact value or `created[gt|gte|lt|lte]`. */
export function matchesCreated(created: number, params: FormObject, name = 'created'): boolean {
  const exact = typeof params[name] === 'string' ? optInt(params, name) : undefined;
  if (exact !== undefined) return created === exact;
  const range = optObject(params, name);
  if (range === undefined) return true;
  const bound = (op: string) => optInt(range, op, `${name}[${op}]`);
  const gt = bound('gt');
  const gte = bound('gte');
  const lt = bound('lt');
  const lte = bound('lte');
  return (
    (gt === undefined || created > gt) &&
    (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) &&
    (lte === undefined || created <= lte)
  );
}

/** Cursor pagination over items already in list order (newest first). */
export function paginate<T extends { id: string }>(
  items: T[],
  params: FormObject,
  url: string,
): Stripe.ApiList<T> {
  const limit = optInt(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidRequest('limit must be between 1 and 100.', 'limit');
  const after = optString(params, 'starting_after');
  const before = optString(params, 'ending_before');
  if (after && before) {
    throw invalidRequest(
      'You may only specify one of these parameters: ending_before, starting_after.',
      'ending_before',
    );
  }
  const cursor = after || before;
  if (cursor) {
    const at = items.findIndex((item) => item.id === cursor);
    // Stripe: a 400 `resource_missing` naming the cursor parameter.
    if (at < 0)
      throw invalidRequest(
        `No such object: '${cursor}'`,
        after ? 'starting_after' : 'ending_before',
        'resource_missing',
      );
    if (after) {
      const rest = items.slice(at + 1);
      return { object: 'list', data: rest.slice(0, limit), has_more: rest.length > limit, url };
    }
    const earlier = items.slice(0, at);
    return { object: 'list', data: earlier.slice(-limit), has_more: earlier.length > limit, url };
  }
  return { object: 'list', data: items.slice(0, limit), has_more: items.length > limit, url };
}

/** Newest first, as every Stripe list is. */
export function newestFirst<T>(values: Iterable<T>): T[] {
  return [...values].reverse();
}
