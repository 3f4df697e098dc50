/** @module Helpers of the admin tests: audit rows, seeded reads, admin keys and problem checks. */
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { adminKey, call } from './helpers';

export type Answer = Awaited<ReturnType<typeof call>>;

export function expectProblem(res: Answer, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json).toMatchObject({ status, code });
  expect(res.text).not.toMatch(/at \w+ \(|SQLITE|select |insert into|update /i);
}

export interface AuditRowShape {
  id: string;
  actor_key_id: string;
  action: string;
  target_type: string;
  target_id: string;
  before: string | null;
  after: string | null;
  request_id: string;
}

export async function auditRowsFor(targetId: string): Promise<AuditRowShape[]> {
  const { results } = await env.DB.prepare('SELECT * FROM audit_log WHERE target_id = ? ORDER BY rowid')
    .bind(targetId)
    .all<AuditRowShape>();
  return results;
}

export async function auditCount(): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM audit_log').first<{ n: number }>();
  return row?.n ?? 0;
}

/** Inserts `n` reads of distinct (pairwise) readers for a publisher on one UTC day. */
export async function seedReads(
  publisherId: string,
  day: string,
  n: number,
  membership: 'trial' | 'paid' | 'grace' | 'comp' = 'trial',
  subjectPrefix = 'sub',
): Promise<void> {
  const statements = Array.from({ length: n }, (_, i) =>
    env.DB.prepare(
      'INSERT INTO reads (publisher_id, subject, article_id, day, reader_id, membership, created_at) VALUES (?, ?, ?, ?, NULL, ?, ?)',
    ).bind(
      publisherId,
      `${subjectPrefix}-${i}`,
      'article-1',
      day,
      membership,
      Math.floor(Date.parse(day) / 1000),
    ),
  );
  for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
}

/** A new admin key of a role, created through the API with the bootstrap key. */
export async function newAdminKey(role: 'admin' | 'support', name = `${role} key`) {
  const res = await call('POST', '/v1/admin/keys', { token: adminKey(), body: { name, role } });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.key.id as string, apiKey: res.json.api_key as string };
}

export async function membershipRow(readerId: string) {
  return env.DB.prepare('SELECT * FROM memberships WHERE reader_id = ?')
    .bind(readerId)
    .first<Record<string, unknown>>();
}
