/**
 * @module A month's reads as the statement's Merkle tree (docs/STATEMENTS.md): streamed in keyset
 * pages in tree order (the `reads` primary key's order), never held whole, and paged to publishers.
 */
import { LeafTree, type StatementLeaf } from '@onepass/verify/statement';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { invalidRequest } from '../../app/errors';
import { reads } from '../../db/schema';
import { base64urlText } from '../../lib/encoding';

/** Rows per query while a statement is made: 1M reads are 100 queries, well inside D1's per-request budget. */
const BUILD_PAGE = 10_000;

export interface MonthDays {
  /** `YYYY-MM-DD`, the first day of the month and the first day after it. */
  first: string;
  next: string;
}

/**
 * The month's days as a filter the planner cannot take an index from (SQLite's unary `+`): the
 * walk must follow the primary key, whose order is the tree's, rather than a day index whose rows
 * would be sorted again for every page.
 */
function inMonth(days: MonthDays): SQL {
  return sql`+${reads.day} >= ${days.first} and +${reads.day} < ${days.next}`;
}

const leafColumns = { subject: reads.subject, article_id: reads.articleId, day: reads.day };

/**
 * Every publisher's subtree over the month, by one keyset walk of `reads` in primary-key order
 * (publisher id, subject, article id, day: bytewise, as SQLite's BINARY collation compares text,
 * which is the tree order). A publisher without reads has the empty subtree.
 */
export async function monthSubtrees(
  ctx: AppContext,
  days: MonthDays,
): Promise<Map<string, { reads: number; root: string }>> {
  const out = new Map<string, { reads: number; root: string }>();
  const trees = new Map<string, LeafTree>();
  let after: { publisherId: string; subject: string; articleId: string; day: string } | null = null;
  for (;;) {
    const page = await ctx.db
      .select({ publisherId: reads.publisherId, ...leafColumns })
      .from(reads)
      .where(
        and(
          inMonth(days),
          after
            ? sql`(${reads.publisherId}, ${reads.subject}, ${reads.articleId}, ${reads.day}) > (${after.publisherId}, ${after.subject}, ${after.articleId}, ${after.day})`
            : undefined,
        ),
      )
      .orderBy(asc(reads.publisherId), asc(reads.subject), asc(reads.articleId), asc(reads.day))
      .limit(BUILD_PAGE);
    for (const row of page) {
      let tree = trees.get(row.publisherId);
      if (!tree) {
        // Publishers come one after the other: the previous one's subtree is complete.
        for (const [id, done] of trees) out.set(id, { reads: done.count, root: await done.root() });
        trees.clear();
        tree = new LeafTree();
        trees.set(row.publisherId, tree);
      }
      await tree.add(row);
    }
    const last = page.at(-1);
    if (!last || page.length < BUILD_PAGE) break;
    after = {
      publisherId: last.publisherId,
      subject: last.subject,
      articleId: last.article_id,
      day: last.day,
    };
  }
  for (const [id, done] of trees) out.set(id, { reads: done.count, root: await done.root() });
  return out;
}

/** The empty subtree's root (SHA-256 of no bytes), for a publisher without reads. */
export function emptySubtreeRoot(): Promise<string> {
  return new LeafTree().root();
}

/** A position in a publisher's leaves: the last leaf of a page, opaque to clients. */
function encodeLeafCursor(leaf: StatementLeaf): string {
  return base64urlText(JSON.stringify([leaf.subject, leaf.article_id, leaf.day]));
}

function decodeLeafCursor(value: string): StatementLeaf {
  const refuse = () =>
    invalidRequest([{ path: 'cursor', message: 'Unknown cursor: pass next_cursor as given' }]);
  if (!/^[A-Za-z0-9_-]{1,4000}$/.test(value)) throw refuse();
  let parsed: unknown;
  try {
    const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === 'string')) {
    throw refuse();
  }
  const [subject, articleId, day] = parsed as [string, string, string];
  return { subject, article_id: articleId, day };
}

/** One page of a publisher's leaves of the month, in tree order, and the cursor of the next. */
export async function leavesPage(
  ctx: AppContext,
  publisherId: string,
  days: MonthDays,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ leaves: StatementLeaf[]; nextCursor: string | null }> {
  const after = page.cursor === undefined ? null : decodeLeafCursor(page.cursor);
  const conditions: SQL[] = [eq(reads.publisherId, publisherId), inMonth(days)];
  if (after) {
    conditions.push(
      sql`(${reads.subject}, ${reads.articleId}, ${reads.day}) > (${after.subject}, ${after.article_id}, ${after.day})`,
    );
  }
  const rows = await ctx.db
    .select(leafColumns)
    .from(reads)
    .where(and(...conditions))
    .orderBy(asc(reads.subject), asc(reads.articleId), asc(reads.day))
    .limit(page.limit + 1);
  const leaves = rows.slice(0, page.limit);
  const last = leaves.at(-1);
  return { leaves, nextCursor: rows.length > page.limit && last ? encodeLeafCursor(last) : null };
}
