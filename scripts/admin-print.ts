/** @module How the admin command line prints answers: aligned tables, numbers on the right. */
import type { components } from './api/schema';

type Schemas = components['schemas'];

const isNumeric = (value: string) => /^-?[\d,.]+%?$/.test(value);

/** A plain-text table: a header, a rule, and the rows, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) =>
    rows.every((r) => r[i] === undefined || r[i] === '' || isNumeric(r[i] ?? '')),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const grouped = (n: number) => n.toLocaleString('en-US');

export function printMembers(members: Schemas['Member'][]): void {
  console.log(
    table(
      ['id', 'email', 'status', 'until', 'created'],
      members.map((m) => [
        m.id,
        m.email ?? '(deleted)',
        m.membership?.status ?? '-',
        m.membership?.comp_until ??
          m.membership?.grace_until ??
          m.membership?.current_period_end ??
          m.membership?.trial_ends_at ??
          '',
        m.created_at,
      ]),
    ),
  );
}

export function printMember(m: Schemas['MemberDetail']): void {
  const ms = m.membership;
  const facts: [string, string][] = [
    ['id', m.reader.id],
    ['email', m.reader.email ?? '(erased)'],
    ['created', m.reader.created_at],
    ['deleted', m.reader.deleted_at ?? '-'],
    ['status', ms?.status ?? '(no membership)'],
    ['plan', ms?.plan ?? '-'],
    ['trial ends', ms?.trial_ends_at ?? '-'],
    ['period ends', ms?.current_period_end ?? '-'],
    ['cancel at period end', ms?.cancel_at_period_end ? 'yes' : 'no'],
    ['grace until', ms?.grace_until ?? '-'],
    ['comp until', ms?.comp_until ? `${ms.comp_until} (${m.comp_reason ?? 'no reason'})` : '-'],
    ['stripe customer', m.stripe.customer_id ?? '-'],
    ['stripe subscription', m.stripe.subscription_id ?? '-'],
    ['active sessions', String(m.active_sessions)],
    ['reads, last 30 days', String(m.reads_last_30_days)],
  ];
  const width = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) console.log(`${k.padEnd(width)}  ${v}`);
  if (m.events.length > 0) {
    console.log('\nStripe events (newest first)');
    console.log(
      table(
        ['event', 'type', 'outcome', 'status', 'source', 'at'],
        m.events.map((e) => [
          e.id,
          e.type,
          e.outcome,
          `${e.status_before ?? '-'} → ${e.status_after ?? '-'}`,
          e.source,
          e.created_at,
        ]),
      ),
    );
  }
}

export function printStatement(s: Schemas['PayoutStatement'], created: boolean): void {
  console.log(
    `Payout statement ${s.id} for ${s.month}: ${grouped(s.amount)} ${s.currency} (minor units) over ${grouped(s.reads)} reads` +
      (created ? '' : ' (already stored; shown unchanged)'),
  );
  const rows = s.lines.map((l) => [
    l.publisher,
    l.publisher_name,
    grouped(l.reads),
    s.reads > 0 ? `${((l.reads / s.reads) * 100).toFixed(2)}%` : '0.00%',
    grouped(l.amount),
  ]);
  rows.push(['total', '', grouped(s.reads), '100.00%', grouped(s.lines.reduce((n, l) => n + l.amount, 0))]);
  console.log(table(['publisher', 'name', 'reads', 'share', `amount (${s.currency})`], rows));
}

export function printMetrics(m: Schemas['Metrics']): void {
  console.log(`Members now`);
  console.log(table(Object.keys(m.members), [Object.values(m.members).map((n) => grouped(Number(n)))]));
  console.log(`\nFrom ${m.from} to ${m.to} (UTC days, both included)`);
  const rate = m.conversion_rate === null ? '-' : `${(m.conversion_rate * 100).toFixed(2)}%`;
  console.log(
    table(
      ['trials started', 'converted', 'conversion', 'churned', 'paying now'],
      [
        [
          grouped(m.trials_started),
          grouped(m.trials_converted),
          rate,
          grouped(m.churned),
          grouped(m.active_paying),
        ],
      ],
    ),
  );
}
