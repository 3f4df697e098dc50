/**
 * @module A month's reads as the statement's Merkle tree (docs/STATEMENTS.md): streamed in pages in
 * tree order from wherever the month's leaves are (`reads` or the ledger), never held whole, and
 * paged to publishers.
 */
import { LeafTree, type StatementLeaf } from '@onepass/verify/statement';
import type { AppContext } from '../../app/context';
import { invalidRequest } from '../../app/errors';
import { base64urlText } from '../../lib/encoding';
import { monthLeafSource } from '../ledger';

/**
 * Every publisher's subtree over the month, by one walk of its leaves in tree order (publisher,
 * subject, article id, day: bytewise, as SQLite's BINARY collation compares text), from `reads` or
 * the period ledger (src/features/ledger/leaves.ts). A publisher without reads has the empty subtree.
 */
export async function monthSubtrees(
  ctx: AppContext,
  month: string,
): Promise<Map<string, { reads: number; root: string }>> {
  const out = new Map<string, { reads: number; root: string }>();
  let current = null as { id: string; tree: LeafTree } | null;
  for await (const page of (await monthLeafSource(ctx, month)).walk()) {
    for (const { publisherId, subject, article_id, day } of page) {
      if (current?.id !== publisherId) {
        // Publishers come one after the other: the previous one's subtree is complete.
        if (current) out.set(current.id, { reads: current.tree.count, root: await current.tree.root() });
        current = { id: publisherId, tree: new LeafTree() };
      }
      await current.tree.add({ subject, article_id, day });
    }
  }
  if (current) out.set(current.id, { reads: current.tree.count, root: await current.tree.root() });
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
  month: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ leaves: StatementLeaf[]; nextCursor: string | null }> {
  const after = page.cursor === undefined ? null : decodeLeafCursor(page.cursor);
  const rows = await (await monthLeafSource(ctx, month)).leaves(publisherId, after, page.limit + 1);
  const leaves = rows.slice(0, page.limit);
  const last = leaves.at(-1);
  return { leaves, nextCursor: rows.length > page.limit && last ? encodeLeafCursor(last) : null };
}
