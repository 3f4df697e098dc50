/** @module Database invariants after a fuzz run: SQLite's own checks and the service's rules. */
import type { Client } from '@libsql/client';

const RULES: Record<string, string> = {
  'membership without a reader':
    'SELECT m.reader_id FROM memberships m LEFT JOIN readers r ON r.id = m.reader_id WHERE r.id IS NULL',
  'session of a deleted reader':
    'SELECT s.id FROM sessions s JOIN readers r ON r.id = s.reader_id WHERE r.deleted_at IS NOT NULL',
  'session without a reader':
    'SELECT s.id FROM sessions s LEFT JOIN readers r ON r.id = s.reader_id WHERE r.id IS NULL',
  'reader without exactly one membership':
    'SELECT r.id, count(m.reader_id) AS n FROM readers r LEFT JOIN memberships m ON m.reader_id = r.id GROUP BY r.id HAVING n <> 1',
  'payout whose lines do not sum to its amount':
    'SELECT p.id, p.amount, coalesce(sum(l.amount), 0) AS lines FROM payouts p LEFT JOIN payout_lines l ON l.payout_id = p.id GROUP BY p.id HAVING lines <> p.amount',
  'deleted reader still holding personal data':
    'SELECT id FROM readers WHERE deleted_at IS NOT NULL AND (email IS NOT NULL OR password_hash IS NOT NULL)',
};

/** Every broken invariant with a sample of its offending rows; empty when the database is sound. */
export async function brokenInvariants(db: Client): Promise<string[]> {
  const broken: string[] = [];
  const integrity = await db.execute('PRAGMA integrity_check');
  const verdict = integrity.rows.map((r) => String(r[0])).join('; ');
  if (verdict !== 'ok') broken.push(`integrity_check: ${verdict}`);
  const fk = await db.execute('PRAGMA foreign_key_check');
  if (fk.rows.length > 0) broken.push(`foreign_key_check: ${JSON.stringify(fk.rows.slice(0, 5))}`);
  for (const [name, sql] of Object.entries(RULES)) {
    const res = await db.execute(sql);
    if (res.rows.length > 0) broken.push(`${name}: ${JSON.stringify(res.rows.slice(0, 5))}`);
  }
  return broken;
}
