/**
 * @module A publisher's own statements: the list with its line in each, and one statement signed,
 * with the publisher's own leaves in tree order, a page at a time (never another publisher's).
 */
import { type StatementLeaf, type StatementVerification, verifyStatement } from '@onepass/verify/statement';
import { and, desc, eq } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError, invalidRequest } from '../../app/errors';
import { afterCursor, decodeCursor, type Page, pageFromRows } from '../../db/pages';
import { type PayoutLineRow, type PayoutRow, payoutLines, payouts } from '../../db/schema';
import { monthBounds } from '../../domain/payout';
import type { PublisherPrincipal } from '../publishers';
import { jwks } from '../tokens';
import { signLegacyStatement } from './sign';
import type { Statement } from './statements';
import { leavesPage } from './tree';

export interface PublisherStatementRow {
  payout: PayoutRow;
  line: PayoutLineRow;
}

/** The statements with a line for the principal's publisher, newest first. */
export async function listPublisherStatements({
  ctx,
  principal,
  input,
}: UseCase<{ limit: number; cursor?: string | undefined }, PublisherPrincipal>): Promise<
  Page<PublisherStatementRow>
> {
  const after = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select({ payout: payouts, line: payoutLines })
    .from(payouts)
    .innerJoin(
      payoutLines,
      and(eq(payoutLines.payoutId, payouts.id), eq(payoutLines.publisherId, principal.publisherId)),
    )
    .where(afterCursor(after, payouts.createdAt, payouts.id))
    .orderBy(desc(payouts.createdAt), desc(payouts.id))
    .limit(input.limit + 1);
  return pageFromRows(rows, input.limit, (row) => row.payout);
}

/** Signs an older statement on first use (see `signLegacyStatement`); 409 when it cannot be. */
export async function signedStatement(
  ctx: AppContext,
  principal: PublisherPrincipal | { actor: { keyId: string }; requestId: string },
  statement: Statement,
): Promise<Statement> {
  if (statement.payout.statement) return statement;
  const signed = await signLegacyStatement(ctx, principal, statement.payout, statement.lines);
  if (!signed) {
    throw new ApiError(
      'conflict',
      'This statement was made before statements were signed, and the reads of its month have changed since: it cannot be signed.',
    );
  }
  return signed;
}

/** The stored statement of a month with a line for the publisher; `currency` picks one of several. */
async function statementOfMonth(
  ctx: AppContext,
  publisherId: string,
  month: string,
  currency: string | undefined,
): Promise<Statement> {
  const found = await ctx.db
    .select({ payout: payouts })
    .from(payouts)
    .innerJoin(
      payoutLines,
      and(eq(payoutLines.payoutId, payouts.id), eq(payoutLines.publisherId, publisherId)),
    )
    .where(and(eq(payouts.month, month), currency === undefined ? undefined : eq(payouts.currency, currency)))
    .limit(10);
  const [first, second] = found;
  if (!first) throw new ApiError('not_found', `No statement of ${month} has a line for this publisher.`);
  if (second) {
    throw invalidRequest(
      [
        {
          path: 'currency',
          message: `${month} has statements in ${found.map((f) => f.payout.currency).join(', ')}: choose one`,
        },
      ],
      'Several statements match.',
    );
  }
  const lines = await ctx.db.select().from(payoutLines).where(eq(payoutLines.payoutId, first.payout.id));
  return { payout: first.payout, lines };
}

export interface PublisherStatement extends Statement {
  line: PayoutLineRow;
  leaves: StatementLeaf[];
  nextCursor: string | null;
}

/**
 * One statement of the publisher's, signed (an older one is signed now if it still can be), with
 * a page of the publisher's own leaves: the first without a cursor, the next with `next_cursor`.
 */
export async function getPublisherStatement({
  ctx,
  principal,
  input,
}: UseCase<
  { month: string; currency?: string | undefined; limit: number; cursor?: string | undefined },
  PublisherPrincipal
>): Promise<PublisherStatement> {
  const bounds = monthBounds(input.month);
  if (!bounds) throw invalidRequest([{ path: 'month', message: 'Must be a month like 2026-11' }]);
  const statement = await signedStatement(
    ctx,
    principal,
    await statementOfMonth(ctx, principal.publisherId, input.month, input.currency),
  );
  const line = statement.lines.find((l) => l.publisherId === principal.publisherId);
  if (!line) throw new ApiError('not_found', `No statement of ${input.month} has a line for this publisher.`);
  const page = await leavesPage(ctx, principal.publisherId, input.month, input);
  return { ...statement, line, leaves: page.leaves, nextCursor: page.nextCursor };
}

/**
 * What a publisher's own check of a statement says, worked out server-side for display (the
 * console): the statement as `getPublisherStatement` gives it, every page of the publisher's
 * leaves streamed into the SDK's `verifyStatement`, against the service's own JWKS and issuer.
 */
export async function verifyPublisherStatement({
  ctx,
  principal,
  input,
}: UseCase<{ month: string; currency?: string | undefined }, PublisherPrincipal>): Promise<
  StatementVerification & { statement: PublisherStatement }
> {
  const first = await getPublisherStatement({ ctx, principal, input: { ...input, limit: LEAVES_PAGE } });
  async function* leaves(): AsyncGenerator<StatementLeaf> {
    yield* first.leaves;
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await leavesPage(ctx, principal.publisherId, input.month, { limit: LEAVES_PAGE, cursor });
      yield* page.leaves;
      cursor = page.nextCursor;
    }
  }
  const result = await verifyStatement({
    statement: first.payout.statement ?? '',
    leaves: leaves(),
    publisherId: principal.publisherId,
    jwks: jwks(ctx.config),
    issuer: ctx.config.publicUrl,
    now: ctx.now(),
  });
  return { ...result, statement: first };
}

const LEAVES_PAGE = 10_000;
