/**
 * @module Fuzzing every operation of the OpenAPI document (fast-check, seeded): valid and invalid
 * requests with the operation's credentials; zero 5xx, every answer documented and matching its
 * schema, and the database sound afterwards. `FUZZ_RUNS` (total, default 3000), `FUZZ_SEED`.
 */
import { type Client, createClient } from '@libsql/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, startBillingHarness } from '../node/billing-harness';
import { BASE } from '../support/node-door';
import { type Hints, invalidBodyOf, rawBodyArb, validValue } from './arbitraries';
import { violations } from './check';
import { type Fixtures, PASSWORD, setupFixtures } from './fixtures';
import { brokenInvariants } from './invariants';
import { type OpenApiDocument, type Operation, operationsOf, type Schema } from './openapi';

const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

interface FuzzRequest {
  id: string | undefined;
  query: Record<string, unknown>;
  body: { json: unknown } | { raw: Uint8Array | string; contentType: string | undefined } | undefined;
  credential: 'right' | 'none' | 'wrong';
  wrongKey: string;
}

let b: BillingHarness;
let db: Client;
let fx: Fixtures;
let doc: OpenApiDocument;
let ops: Operation[];
const victims: string[] = [];
const disposableSessions: string[] = [];
let sent = 0;
const statuses = new Map<number, number>();

beforeAll(async () => {
  b = await startBillingHarness({ LOG_LEVEL: 'error' });
  db = createClient({ url: b.h.env.DATABASE_URL ?? '' });
  fx = await setupFixtures(b.h);
  doc = (await b.h.call('GET', '/openapi.json')).json as OpenApiDocument;
  ops = operationsOf(doc);
  for (let i = 0; i < 3; i += 1) {
    const res = await b.h.call('POST', '/v1/readers', {
      body: { email: `victim.${i}.${SEED}@example.com`, password: PASSWORD },
    });
    victims.push(String(res.json.reader.id));
    disposableSessions.push(String(res.json.session_token));
  }
}, 120_000);

afterAll(async () => {
  console.log(
    `fuzz: seed ${SEED}, ${sent} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  db.close();
  await b.close();
});

/** Real values by property name, mixed into the generated ones so that valid requests reach deep code. */
function hints(): Hints {
  return {
    publisher: fc.constantFrom(fx.publisher.id, fx.otherPublisher.id),
    token: fc.constant(fx.token),
    email: fc.oneof(fc.emailAddress(), fc.constant(fx.reader.email)),
    origins: fc.array(
      fc.constantFrom('https://fuzz.example', 'https://more.example', 'http://localhost:3000'),
      { minLength: 1, maxLength: 2 },
    ),
    success_url: fc.constantFrom(`${BASE}/ok`, `${fx.publisher.origin}/done`),
    cancel_url: fc.constantFrom(`${BASE}/no`, `${fx.publisher.origin}/back`),
    return_url: fc.constantFrom(`${BASE}/account`),
    return_to: fc.constantFrom(`${fx.publisher.origin}/a`, 'https://evil.example/'),
    month: fc.constantFrom('2024-09', '2024-10', '2099-01'),
    currency: fc.constantFrom('EUR', 'USD'),
    reason: fc.string({ minLength: 1, maxLength: 30 }),
  };
}

/** Ids that exist, for `{id}`: destructive operations only ever reach disposable targets. */
function idsFor(op: Operation): string[] {
  if (op.path.includes('/publishers/')) return [fx.otherPublisher.id];
  if (op.path.includes('/members/')) return victims;
  if (op.path.includes('/keys/')) return [fx.victimKeyId];
  if (op.path.includes('/payouts/')) return [fx.payoutId];
  // No passkey exists in the fuzzed database: its removal answers 404, and changes nothing.
  if (op.path.includes('/passkeys/')) return ['AAAAAAAAAAAAAAAAAAAAAA'];
  // Nor a webhook endpoint: every `{id}` of /v1/publisher/webhooks answers 404 and changes nothing.
  if (op.path.includes('/webhooks/')) return ['whe_aaaaaaaaaaaaaaaaaaaa'];
  // Nor a seat: its removal answers 404, and changes nothing.
  if (op.path.includes('/seats/')) return ['sea_aaaaaaaaaaaaaaaaaaaa'];
  return [];
}

function requestArb(op: Operation): fc.Arbitrary<FuzzRequest> {
  const h = hints();
  const ids = idsFor(op);
  const id = op.path.includes('{id}')
    ? fc.oneof(
        { arbitrary: fc.constantFrom(...ids), weight: 3 },
        { arbitrary: fc.string({ maxLength: 80 }), weight: 1 },
      )
    : fc.constant(undefined);
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const validQuery = fc.record(
    Object.fromEntries(queryParams.map((p) => [p.name, validValue(p.schema, h, p.name)])),
    { requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name) },
  );
  const junkQuery = fc.dictionary(
    fc.constantFrom(...queryParams.map((p) => p.name), 'x'),
    fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant('9'.repeat(400))),
    { maxKeys: 3 },
  );
  const query = fc.oneof({ arbitrary: validQuery, weight: 3 }, { arbitrary: junkQuery, weight: 1 });
  const schema: Schema | undefined = op.body?.schema;
  // Never the fixture reader's password for `DELETE /v1/me`: the fuzzer must not erase its own session.
  const bodyHints = op.key === 'DELETE /v1/me' ? { ...h, password: fc.constant('not the password') } : h;
  const body = schema
    ? fc.oneof(
        { arbitrary: validValue(schema, bodyHints).map((json) => ({ json })), weight: 4 },
        { arbitrary: invalidBodyOf(schema, bodyHints).map((json) => ({ json })), weight: 3 },
        { arbitrary: rawBodyArb.map((r) => ({ raw: r.body, contentType: r.contentType })), weight: 2 },
      )
    : fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 4 },
        { arbitrary: rawBodyArb.map((r) => ({ raw: r.body, contentType: r.contentType })), weight: 1 },
      );
  return fc.record({
    id,
    query,
    body: op.method === 'GET' ? fc.constant(undefined) : body,
    credential: fc.constantFrom<FuzzRequest['credential']>(
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'none',
      'wrong',
    ),
    wrongKey: fc.constantFrom(
      'garbage',
      'ppk_test_xxxxxxxxxxxxxxxxxxxxxxxx',
      fx.supportKey,
      fx.publisher.key,
      fx.reader.token,
      fx.adminKey,
    ),
  });
}

function rightCredential(op: Operation): string | undefined {
  if (op.security.includes('adminKey')) return fx.adminKey;
  if (op.security.includes('publisherKey')) return fx.publisher.key;
  if (op.key === 'DELETE /v1/sessions/current') return disposableSessions[sent % disposableSessions.length];
  if (op.security.includes('session')) return fx.reader.token;
  return undefined;
}

async function send(op: Operation, req: FuzzRequest) {
  let path = op.path.replace('{id}', encodeURIComponent(req.id ?? ''));
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query))
    if (v !== undefined) params.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  if (params.size > 0) path += `?${params}`;
  const headers = new Headers({ 'x-forwarded-for': `198.51.100.${(sent % 250) + 1}` });
  const token =
    req.credential === 'right' ? rightCredential(op) : req.credential === 'wrong' ? req.wrongKey : undefined;
  if (token) headers.set('authorization', `Bearer ${token}`);
  let body: BodyInit | undefined;
  if (req.body && 'json' in req.body) {
    body = JSON.stringify(req.body.json) ?? 'null';
    headers.set('content-type', 'application/json');
  } else if (req.body) {
    body = typeof req.body.raw === 'string' ? req.body.raw : new Uint8Array(req.body.raw);
    if (req.body.contentType) headers.set('content-type', req.body.contentType);
  }
  sent += 1;
  const res = await b.h.app.request(`${BASE}${path}`, { method: op.method, headers, body });
  const text = await res.text();
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, path };
}

describe('fuzzing every operation of the OpenAPI document', () => {
  it('lists the operations', () => {
    expect(ops.length).toBeGreaterThanOrEqual(40);
  });

  it('every operation: no 5xx, documented statuses and bodies', { timeout: 600_000 }, async () => {
    const perOperation = Math.max(5, Math.ceil(TOTAL_RUNS / ops.length));
    const problemSchema = doc.components.schemas.Problem ?? {};
    const failures: string[] = [];
    for (const [index, op] of ops.entries()) {
      try {
        await fc.assert(
          fc.asyncProperty(requestArb(op), async (req) => {
            const answer = await send(op, req);
            const wrong = violations(op, answer, problemSchema);
            if (wrong.length > 0) throw new Error(`${op.method} ${answer.path}: ${wrong.join('; ')}`);
          }),
          { seed: SEED + index, numRuns: perOperation, endOnFailure: true },
        );
      } catch (err) {
        const cause = err instanceof Error && err.cause instanceof Error ? `${err.cause.message}\n` : '';
        failures.push(
          `${op.key} (FUZZ_SEED=${SEED}): ${cause}${err instanceof Error ? err.message.slice(0, 1500) : String(err)}`,
        );
      }
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(Math.min(TOTAL_RUNS, ops.length * 5));
  });

  it('the database passes its integrity checks and invariants afterwards', async () => {
    expect(await brokenInvariants(db)).toEqual([]);
  });
});
