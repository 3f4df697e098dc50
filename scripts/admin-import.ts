/**
 * @module `npm run admin -- import`: members from a CSV file (`email,status,plan,period_end,
 * stripe_customer`) or from the Stripe account's subscriptions, through the admin API, in chunks,
 * with a progress bar on stderr and a summary of what was created, linked, skipped and why.
 */
import { readFileSync } from 'node:fs';
import type { Client } from 'openapi-fetch';
import { parseCsv } from '../src/domain/csv';
import type { components, paths } from './api/schema';

type Result = components['schemas']['ImportResult'];

const CHUNK = 100;
const COLUMNS = ['email', 'status', 'plan', 'period_end', 'stripe_customer'] as const;

/** `[██████░░░░]  60/100`, redrawn in place on a terminal, one line per step elsewhere. */
export function progressLine(done: number, total: number | null, width = 24): string {
  if (total === null || total === 0) return `${done} done`;
  const filled = Math.round((done / total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total}`;
}

function progress(done: number, total: number | null) {
  const line = progressLine(done, total);
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else process.stderr.write(`${line}\n`);
}

/** The rows of a CSV file with a header naming at least `email` and `status`. */
export function csvRows(text: string) {
  const [header, ...records] = parseCsv(text);
  if (!header) throw new Error('The file is empty.');
  const names = header.fields.map((f) => f.trim().toLowerCase());
  for (const required of ['email', 'status']) {
    if (!names.includes(required))
      throw new Error(`The header has no ${required} column (expected: ${COLUMNS.join(',')}).`);
  }
  const at = (fields: string[], name: string) => {
    const i = names.indexOf(name);
    return i < 0 ? undefined : (fields[i] ?? '').trim() || undefined;
  };
  return records.map((r) => ({
    ref: `line ${r.line}`,
    email: at(r.fields, 'email') ?? '',
    status: at(r.fields, 'status') ?? '',
    plan: at(r.fields, 'plan'),
    period_end: at(r.fields, 'period_end'),
    stripe_customer: at(r.fields, 'stripe_customer'),
  }));
}

export function summarize(results: Result[], dryRun: boolean): string {
  const counts = { created: 0, linked: 0, skipped: 0, invalid: 0 };
  const reasons = new Map<string, number>();
  for (const r of results) {
    counts[r.outcome]++;
    if ((r.outcome === 'skipped' || r.outcome === 'invalid') && r.reason) {
      const key = `${r.outcome}: ${r.reason}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
  }
  const lines = [
    `${dryRun ? 'Dry run (nothing written): would have ' : ''}created ${counts.created}, linked ${counts.linked}, skipped ${counts.skipped}, invalid ${counts.invalid}.`,
  ];
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]))
    lines.push(`  ${String(n).padStart(5)}  ${reason}`);
  const invalid = results.filter((r) => r.outcome === 'invalid').slice(0, 20);
  if (invalid.length > 0) {
    lines.push('First invalid rows:');
    for (const r of invalid) lines.push(`  ${r.ref}: ${r.email ?? '—'}: ${r.reason}`);
  }
  return lines.join('\n');
}

type Answer = <T>(call: Promise<{ data?: T; error?: unknown; response: Response }>) => Promise<{ data: T }>;

export async function importCommand(
  api: Client<paths>,
  answer: Answer,
  args: { file?: string | undefined; fromStripe: boolean; dryRun: boolean },
): Promise<void> {
  const results: Result[] = [];
  if (args.fromStripe) {
    let next: string | null | undefined;
    do {
      const body = { dry_run: args.dryRun, limit: 100, ...(next ? { starting_after: next } : {}) };
      const { data } = await answer(api.POST('/v1/admin/imports/stripe', { body }));
      results.push(...data.results);
      next = data.next;
      progress(results.length, null);
    } while (next);
  } else {
    if (!args.file) throw new Error('Give the CSV file, or --from-stripe.');
    const rows = csvRows(readFileSync(args.file, 'utf8'));
    progress(0, rows.length);
    for (let i = 0; i < rows.length; i += CHUNK) {
      const { data } = await answer(
        api.POST('/v1/admin/imports/members', {
          body: { rows: rows.slice(i, i + CHUNK), dry_run: args.dryRun },
        }),
      );
      results.push(...data.results);
      progress(results.length, rows.length);
    }
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(summarize(results, args.dryRun));
}
