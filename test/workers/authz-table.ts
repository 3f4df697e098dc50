/** @module The authorization table: every admin and publisher route, with a request that would change things. */

export interface Fixture {
  readerId: string;
  session: string;
  cookie: string;
  own: { id: string; key: string };
  other: { id: string; key: string };
  otherToken: string;
  otherCode: string;
  supportKey: string;
  victimKeyId: string;
  payoutId: string;
}

export type Kind = 'admin-read' | 'admin-write' | 'publisher';
export interface Sample {
  path: string;
  body?: unknown;
}

const future = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

/** Each route with a request that would succeed, and change things, if the credential were accepted. */
export const ROUTES: Record<string, { kind: Kind; sample: (f: Fixture) => Sample }> = {
  'POST /v1/admin/publishers': {
    kind: 'admin-write',
    sample: () => ({
      path: '/v1/admin/publishers',
      body: { name: 'Intruder', origins: ['https://in.example'] },
    }),
  },
  'GET /v1/admin/publishers': { kind: 'admin-read', sample: () => ({ path: '/v1/admin/publishers' }) },
  'GET /v1/admin/publishers/{id}': {
    kind: 'admin-read',
    sample: (f) => ({ path: `/v1/admin/publishers/${f.own.id}` }),
  },
  'PATCH /v1/admin/publishers/{id}': {
    kind: 'admin-write',
    sample: (f) => ({ path: `/v1/admin/publishers/${f.own.id}`, body: { name: 'Renamed' } }),
  },
  'POST /v1/admin/publishers/{id}/rotate-key': {
    kind: 'admin-write',
    sample: (f) => ({ path: `/v1/admin/publishers/${f.own.id}/rotate-key` }),
  },
  'GET /v1/admin/members': { kind: 'admin-read', sample: () => ({ path: '/v1/admin/members' }) },
  'GET /v1/admin/members/{id}': {
    kind: 'admin-read',
    sample: (f) => ({ path: `/v1/admin/members/${f.readerId}` }),
  },
  'DELETE /v1/admin/members/{id}': {
    kind: 'admin-write',
    sample: (f) => ({ path: `/v1/admin/members/${f.readerId}` }),
  },
  'POST /v1/admin/members/{id}/comp': {
    kind: 'admin-write',
    sample: (f) => ({ path: `/v1/admin/members/${f.readerId}/comp`, body: { until: future(), reason: 'x' } }),
  },
  'POST /v1/admin/members/{id}/trial': {
    kind: 'admin-write',
    sample: (f) => ({
      path: `/v1/admin/members/${f.readerId}/trial`,
      body: { ends_at: '2020-01-01T00:00:00Z' },
    }),
  },
  'POST /v1/admin/members/{id}/cancel': {
    kind: 'admin-write',
    sample: (f) => ({ path: `/v1/admin/members/${f.readerId}/cancel`, body: { at_period_end: false } }),
  },
  'POST /v1/admin/members/{id}/revoke-sessions': {
    kind: 'admin-write',
    sample: (f) => ({ path: `/v1/admin/members/${f.readerId}/revoke-sessions` }),
  },
  'POST /v1/admin/keys': {
    kind: 'admin-write',
    sample: () => ({ path: '/v1/admin/keys', body: { name: 'escalation', role: 'admin' } }),
  },
  'GET /v1/admin/keys': { kind: 'admin-read', sample: () => ({ path: '/v1/admin/keys' }) },
  'DELETE /v1/admin/keys/{id}': {
    kind: 'admin-write',
    sample: (f) => ({ path: `/v1/admin/keys/${f.victimKeyId}` }),
  },
  'GET /v1/admin/audit-log': { kind: 'admin-read', sample: () => ({ path: '/v1/admin/audit-log' }) },
  'GET /v1/admin/reads': { kind: 'admin-read', sample: () => ({ path: '/v1/admin/reads' }) },
  'POST /v1/admin/payouts': {
    kind: 'admin-write',
    sample: () => ({ path: '/v1/admin/payouts', body: { month: '2024-10', amount: 100, currency: 'EUR' } }),
  },
  'GET /v1/admin/payouts': { kind: 'admin-read', sample: () => ({ path: '/v1/admin/payouts' }) },
  'GET /v1/admin/payouts/{id}': {
    kind: 'admin-read',
    sample: (f) => ({ path: `/v1/admin/payouts/${f.payoutId}` }),
  },
  'GET /v1/admin/metrics': { kind: 'admin-read', sample: () => ({ path: '/v1/admin/metrics' }) },
  'POST /v1/admin/stripe/reconcile': {
    kind: 'admin-write',
    sample: () => ({ path: '/v1/admin/stripe/reconcile' }),
  },
  // Publisher routes (publisher key).
  'POST /v1/tokens/introspect': {
    kind: 'publisher',
    sample: (f) => ({ path: '/v1/tokens/introspect', body: { token: f.otherToken } }),
  },
  'POST /v1/reads': {
    kind: 'publisher',
    sample: (f) => ({ path: '/v1/reads', body: { token: f.otherToken, article: { id: 'authz-article' } } }),
  },
  'GET /v1/publisher/reads': { kind: 'publisher', sample: () => ({ path: '/v1/publisher/reads' }) },
  'GET /v1/publisher': { kind: 'publisher', sample: () => ({ path: '/v1/publisher' }) },
  'PATCH /v1/publisher': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher', body: { name: 'Hijacked' } }),
  },
  'POST /v1/access/exchange': {
    kind: 'publisher',
    sample: (f) => ({ path: '/v1/access/exchange', body: { code: f.otherCode } }),
  },
};
