/**
 * @module The signed statement: its Merkle root and a compact JWS (ES256, `typ: statement+jwt`,
 * the current token signing key), made with the statement, or when an older statement is first
 * fetched, if its stored counts still match the reads.
 */
import {
  comparePublisherIds,
  defaultSha256,
  SPLIT_RULE,
  STATEMENT_TYPE,
  type StatementLine,
  type StatementPayload,
  statementRoot,
  TREE_VERSION,
  toHex,
} from '@onepass/verify/statement';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { type PayoutLineRow, type PayoutRow, payoutLines, payouts } from '../../db/schema';
import { epochSeconds } from '../../domain/time';
import { signEs256 } from '../../lib/jws';
import { type AuditPrincipal, auditEntryIf } from '../audit';
import { emptySubtreeRoot, monthSubtrees } from './tree';

const byPublisher = (a: { publisherId: string }, b: { publisherId: string }) =>
  comparePublisherIds(a.publisherId, b.publisherId);

/** The root and JWS of a statement whose lines all carry their subtree roots. */
export async function signStatement(
  ctx: AppContext,
  payout: Pick<PayoutRow, 'id' | 'month' | 'currency' | 'amount' | 'reads'>,
  lines: readonly { publisherId: string; reads: number; amount: number; root: string }[],
): Promise<{ root: string; statement: string }> {
  const ordered: StatementLine[] = [...lines]
    .sort(byPublisher)
    .map((l) => ({ publisher_id: l.publisherId, reads: l.reads, amount: l.amount, root: l.root }));
  const totals = {
    month: payout.month,
    currency: payout.currency,
    amount: payout.amount,
    reads: payout.reads,
    split_rule: SPLIT_RULE,
  };
  const root = toHex(await statementRoot(defaultSha256(), totals, ordered));
  const payload: StatementPayload = {
    iss: ctx.config.publicUrl,
    iat: epochSeconds(ctx.now()),
    statement_id: payout.id,
    ...totals,
    tree_version: TREE_VERSION,
    root,
    lines: ordered,
  };
  const statement = await signEs256(
    ctx.config,
    ctx.config.signingKey.privateJwk,
    { alg: 'ES256', kid: ctx.config.signingKey.kid, typ: STATEMENT_TYPE },
    { ...payload },
  );
  return { root, statement };
}

/** Every publisher's subtree of a month, the empty one for a publisher without reads. */
export async function subtreesOf(ctx: AppContext, month: string) {
  const found = await monthSubtrees(ctx, month);
  const empty = await emptySubtreeRoot();
  return {
    total: [...found.values()].reduce((sum, s) => sum + s.reads, 0),
    of: (publisherId: string) => found.get(publisherId) ?? { reads: 0, root: empty },
  };
}

/**
 * Signs a statement made before statements were signed, once, if the reads it was made from are
 * still exactly those of the month (same count per publisher, same total); otherwise it stays
 * unsigned (null), as nothing could show which reads it counted. A concurrent signer may win: the
 * stored statement is what is returned.
 */
export async function signLegacyStatement(
  ctx: AppContext,
  principal: AuditPrincipal,
  payout: PayoutRow,
  lines: PayoutLineRow[],
): Promise<{ payout: PayoutRow; lines: PayoutLineRow[] } | null> {
  const subtrees = await subtreesOf(ctx, payout.month);
  if (subtrees.total !== payout.reads) return null;
  const rooted = lines.map((line) => ({ ...line, root: subtrees.of(line.publisherId).root }));
  if (lines.some((line) => subtrees.of(line.publisherId).reads !== line.reads)) return null;
  const signed = await signStatement(ctx, payout, rooted);
  const unsigned = and(eq(payouts.id, payout.id), isNull(payouts.statement));
  await ctx.db.batch([
    ctx.db.update(payouts).set(signed).where(unsigned),
    ...rooted.map((line) =>
      ctx.db
        .update(payoutLines)
        .set({ root: line.root })
        .where(and(eq(payoutLines.payoutId, payout.id), eq(payoutLines.publisherId, line.publisherId))),
    ),
    // Recorded only by the signer whose signature landed (a concurrent one may have won).
    auditEntryIf(
      ctx,
      principal,
      {
        action: 'payout.sign',
        targetType: 'payout',
        targetId: payout.id,
        before: null,
        after: { root: signed.root },
      },
      sql`exists (select 1 from ${payouts} where ${payouts.id} = ${payout.id} and ${payouts.statement} = ${signed.statement})`,
    ),
  ]);
  const [stored] = await ctx.db.select().from(payouts).where(eq(payouts.id, payout.id)).limit(1);
  if (!stored?.statement) return null;
  return { payout: stored, lines: rooted };
}
