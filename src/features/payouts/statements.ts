/**
 * @module Monthly payout statements: a month's reads per publisher, split with `splitPayout`, committed
 * to by a Merkle root and signed, stored once per (month, currency) with its lines, signature and
 * audit row in one batch, never changed afterwards.
 */
import { asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError, invalidRequest } from '../../app/errors';
import { isUniqueViolation } from '../../db/errors';
import { newId } from '../../db/ids';
import { afterCursor, decodeCursor, type Page, pageFromRows } from '../../db/pages';
import { type PayoutLineRow, type PayoutRow, payoutLines, payouts, publishers } from '../../db/schema';
import { monthBounds, splitPayout } from '../../domain/payout';
import { wholeSeconds } from '../../domain/time';
import type { AdminPrincipal } from '../admin';
import { auditEntry } from '../audit';
import { sendWebhooksSoon, statementPublishedRows } from '../webhooks';
import { signLegacyStatement, signStatement, subtreesOf } from './sign';

export interface Statement {
  payout: PayoutRow;
  lines: PayoutLineRow[];
}

/** D1 binds at most 100 parameters per statement; a line has 6 columns. */
const LINES_PER_INSERT = 16;
const ANNOUNCE_PER_INSERT = 80;

async function statementWhere(ctx: AppContext, where: SQL): Promise<Statement | null> {
  const [payout] = await ctx.db.select().from(payouts).where(where).limit(1);
  if (!payout) return null;
  const lines = await ctx.db
    .select()
    .from(payoutLines)
    .where(eq(payoutLines.payoutId, payout.id))
    .orderBy(desc(payoutLines.amount), asc(payoutLines.publisherId));
  return { payout, lines };
}

/** One statement; an older unsigned one is signed now if its month's reads are unchanged, else stays unsigned. */
export async function getStatement({
  ctx,
  principal,
  input: { id },
}: UseCase<{ id: string }, AdminPrincipal>): Promise<Statement> {
  const statement = await statementWhere(ctx, eq(payouts.id, id));
  if (!statement) throw new ApiError('not_found', 'No payout statement has this id.');
  if (statement.payout.statement) return statement;
  return (await signLegacyStatement(ctx, principal, statement.payout, statement.lines)) ?? statement;
}

export function findStatement(ctx: AppContext, month: string, currency: string): Promise<Statement | null> {
  return statementWhere(ctx, sql`${payouts.month} = ${month} and ${payouts.currency} = ${currency}`);
}

/**
 * Every publisher's line of the month (UTC days), reads during free trials included, counted by the
 * same walk that builds the subtrees, so the amount is split by exactly the reads the tree commits
 * to. Every publisher onboarded before the month ended gets a line, with 0 reads if it had none.
 */
async function monthLines(ctx: AppContext, month: string, endsAt: Date) {
  const subtrees = await subtreesOf(ctx, month);
  const all = await ctx.db
    .select({ publisherId: publishers.id, name: publishers.name, createdAt: publishers.createdAt })
    .from(publishers);
  const lines = all
    .filter((p) => p.createdAt < endsAt || subtrees.of(p.publisherId).reads > 0)
    .map((p) => ({ publisherId: p.publisherId, name: p.name, ...subtrees.of(p.publisherId) }));
  return { lines, total: lines.reduce((sum, p) => sum + p.reads, 0) };
}

/**
 * Makes the statement of a month that has ended, or returns the one stored for that month and
 * currency (`created: false`), unchanged even if reads were recorded since. A month without any
 * read is refused: there is nothing to split the amount by.
 */
export async function createStatement({
  ctx,
  principal,
  input,
}: UseCase<{ month: string; amount: number; currency: string }, AdminPrincipal>): Promise<
  Statement & { created: boolean }
> {
  const bounds = monthBounds(input.month);
  if (!bounds) throw invalidRequest([{ path: 'month', message: 'Must be a month like 2026-11' }]);
  const stored = await findStatement(ctx, input.month, input.currency);
  if (stored) return { ...stored, created: false };
  if (bounds.endsAt.getTime() > ctx.now().getTime()) {
    throw new ApiError(
      'conflict',
      `${input.month} has not ended yet (it ends ${bounds.endsAt.toISOString().slice(0, 10)} 00:00 UTC); only ended months can be paid out.`,
    );
  }
  const { lines: perPublisher, total } = await monthLines(ctx, input.month, bounds.endsAt);
  if (total === 0) {
    throw new ApiError('conflict', `There were no reads in ${input.month}: there is nothing to split by.`);
  }
  const byId = new Map(perPublisher.map((p) => [p.publisherId, p]));
  const shares = splitPayout(
    input.amount,
    perPublisher.map((p) => ({ publisherId: p.publisherId, reads: p.reads })),
  );
  const payout: PayoutRow = {
    id: newId('payout'),
    month: input.month,
    currency: input.currency,
    amount: input.amount,
    reads: total,
    createdAt: wholeSeconds(ctx.now()),
    createdBy: principal.actor.keyId,
    root: null,
    statement: null,
  };
  const lines = shares.map((s) => ({
    payoutId: payout.id,
    publisherId: s.publisherId,
    publisherName: byId.get(s.publisherId)?.name ?? s.publisherId,
    reads: s.reads,
    amount: s.amount,
    root: byId.get(s.publisherId)?.root ?? '',
  })) satisfies PayoutLineRow[];
  Object.assign(payout, await signStatement(ctx, payout, lines));
  const chunks: PayoutLineRow[][] = [];
  for (let i = 0; i < lines.length; i += LINES_PER_INSERT) chunks.push(lines.slice(i, i + LINES_PER_INSERT));
  // `statement.published` to each publisher with a line, a bounded list of ids per insert (D1's 100 parameters).
  const announced: string[][] = [];
  for (let i = 0; i < lines.length; i += ANNOUNCE_PER_INSERT) {
    announced.push(lines.slice(i, i + ANNOUNCE_PER_INSERT).map((l) => l.publisherId));
  }
  const url = `${ctx.config.publicUrl}/v1/publisher/statements/${payout.month}?currency=${payout.currency}`;
  try {
    await ctx.db.batch([
      ctx.db.insert(payouts).values(payout),
      ...chunks.map((chunk) => ctx.db.insert(payoutLines).values(chunk)),
      ...announced.map((publisherIds) =>
        statementPublishedRows(ctx, {
          id: payout.id,
          month: payout.month,
          currency: payout.currency,
          url,
          publisherIds,
        }),
      ),
      auditEntry(ctx, principal, {
        action: 'payout.create',
        targetType: 'payout',
        targetId: payout.id,
        before: null,
        after: {
          month: payout.month,
          currency: payout.currency,
          amount: payout.amount,
          reads: total,
          lines: lines.length,
          root: payout.root,
        },
      }),
    ]);
  } catch (err) {
    // Another request stored this month and currency first: theirs is the statement.
    if (!isUniqueViolation(err, 'payouts.')) throw err;
    const winner = await findStatement(ctx, input.month, input.currency);
    if (!winner) throw err;
    return { ...winner, created: false };
  }
  sendWebhooksSoon(ctx);
  ctx.logger.info('payout statement stored', {
    payout_id: payout.id,
    month: payout.month,
    currency: payout.currency,
  });
  const sorted = [...lines].sort((a, b) => b.amount - a.amount || (a.publisherId < b.publisherId ? -1 : 1));
  return { payout, lines: sorted, created: true };
}

/** Stored statements, newest first. */
export async function listStatements({
  ctx,
  input,
}: UseCase<{ limit: number; cursor?: string | undefined }, AdminPrincipal>): Promise<Page<PayoutRow>> {
  const after = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select()
    .from(payouts)
    .where(afterCursor(after, payouts.createdAt, payouts.id))
    .orderBy(desc(payouts.createdAt), desc(payouts.id))
    .limit(input.limit + 1);
  return pageFromRows(rows, input.limit, (row) => row);
}

/** One CSV field: quoted when it must be, and defused when a spreadsheet would run it as a formula. */
function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV of a statement: a header line, then one line per publisher (CRLF line ends). */
export function statementCsv({ payout, lines }: Statement): string {
  const header = ['month', 'currency', 'publisher_id', 'publisher_name', 'reads', 'amount'];
  const rows = lines.map((l) => [
    payout.month,
    payout.currency,
    l.publisherId,
    l.publisherName,
    l.reads,
    l.amount,
  ]);
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
