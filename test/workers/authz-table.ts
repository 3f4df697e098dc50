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
  'GET /v1/admin/ledger': { kind: 'admin-read', sample: () => ({ path: '/v1/admin/ledger' }) },
  'POST /v1/admin/stripe/reconcile': {
    kind: 'admin-write',
    sample: () => ({ path: '/v1/admin/stripe/reconcile' }),
  },
  'GET /v1/admin/users': { kind: 'admin-read', sample: () => ({ path: '/v1/admin/users' }) },
  'POST /v1/admin/users': {
    kind: 'admin-write',
    sample: () => ({ path: '/v1/admin/users', body: { email: 'intruder@example.com', role: 'admin' } }),
  },
  'DELETE /v1/admin/users/{email}': {
    kind: 'admin-write',
    sample: () => ({ path: '/v1/admin/users/ops%40example.com' }),
  },
  'GET /v1/admin/publishers/{id}/staff': {
    kind: 'admin-read',
    sample: (f) => ({ path: `/v1/admin/publishers/${f.own.id}/staff` }),
  },
  'POST /v1/admin/publishers/{id}/staff': {
    kind: 'admin-write',
    sample: (f) => ({
      path: `/v1/admin/publishers/${f.own.id}/staff`,
      body: { email: 'intruder@example.com', role: 'owner' },
    }),
  },
  'DELETE /v1/admin/publishers/{id}/staff/{email}': {
    kind: 'admin-write',
    sample: (f) => ({ path: `/v1/admin/publishers/${f.own.id}/staff/owner%40example.com` }),
  },
  'POST /v1/admin/imports/members': {
    kind: 'admin-write',
    sample: () => ({
      path: '/v1/admin/imports/members',
      body: {
        rows: [{ ref: 'line 2', email: 'intruder@example.com', status: 'comped', period_end: '2030-01-01' }],
      },
    }),
  },
  'POST /v1/admin/imports/stripe': {
    kind: 'admin-write',
    sample: () => ({ path: '/v1/admin/imports/stripe', body: { limit: 1 } }),
  },
  // Publisher routes (publisher key).
  'GET /v1/publisher/keys': { kind: 'publisher', sample: () => ({ path: '/v1/publisher/keys' }) },
  'POST /v1/publisher/keys': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher/keys', body: { name: 'Intruder' } }),
  },
  'DELETE /v1/publisher/keys/{id}': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher/keys/pkk_aaaaaaaaaaaaaaaaaaaa' }),
  },
  'GET /v1/publisher/statements': { kind: 'publisher', sample: () => ({ path: '/v1/publisher/statements' }) },
  'GET /v1/publisher/statements/{month}': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher/statements/2026-11' }),
  },
  'POST /v1/publisher/webhooks': {
    kind: 'publisher',
    sample: () => ({
      path: '/v1/publisher/webhooks',
      body: { url: 'https://in.example/hook', events: ['test'] },
    }),
  },
  'GET /v1/publisher/webhooks': { kind: 'publisher', sample: () => ({ path: '/v1/publisher/webhooks' }) },
  'GET /v1/publisher/webhooks/{id}': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher/webhooks/whe_aaaaaaaaaaaaaaaaaaaa' }),
  },
  'PATCH /v1/publisher/webhooks/{id}': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher/webhooks/whe_aaaaaaaaaaaaaaaaaaaa', body: { enabled: false } }),
  },
  'DELETE /v1/publisher/webhooks/{id}': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher/webhooks/whe_aaaaaaaaaaaaaaaaaaaa' }),
  },
  'POST /v1/publisher/webhooks/{id}/rotate-secret': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher/webhooks/whe_aaaaaaaaaaaaaaaaaaaa/rotate-secret' }),
  },
  'POST /v1/publisher/webhooks/{id}/test': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher/webhooks/whe_aaaaaaaaaaaaaaaaaaaa/test' }),
  },
  'GET /v1/publisher/webhooks/{id}/deliveries': {
    kind: 'publisher',
    sample: () => ({ path: '/v1/publisher/webhooks/whe_aaaaaaaaaaaaaaaaaaaa/deliveries' }),
  },
  'POST /v1/publisher/webhooks/{id}/deliveries/{delivery_id}/redeliver': {
    kind: 'publisher',
    sample: () => ({
      path: '/v1/publisher/webhooks/whe_aaaaaaaaaaaaaaaaaaaa/deliveries/whd_aaaaaaaaaaaaaaaaaaaa/redeliver',
    }),
  },
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
