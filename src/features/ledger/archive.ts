/**
 * @module Archiving a month whose statement is signed: its ledger written out per publisher in
 * tree order (src/features/ledger/archive-format.ts), every subtree root checked against the
 * signed statement's lines, read back and checked again, recorded, and only then the month's
 * period databases released for reuse.
 */
import { LeafTree, type StatementLeaf, TREE_VERSION } from '@onepass/verify/statement';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ledgerMonths, payoutLines, payouts } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import {
  ARCHIVE_VERSION,
  type ArchiveManifest,
  CHUNK_LEAVES,
  chunkKey,
  encodeChunk,
  manifestKey,
} from './archive-format';
import { readChunk } from './archive-read';
import { walkMonthShards } from './leaves';
import type { Ledger } from './ledger';
import { type SealBudget, sealMonth } from './seal';

type Entry = ArchiveManifest['publishers'][string];

/** Writes every publisher's chunks and returns the manifest (not yet stored). */
async function writeChunks(ledger: Ledger, month: string): Promise<ArchiveManifest> {
  const manifest: ArchiveManifest = {
    version: ARCHIVE_VERSION,
    month,
    tree_version: TREE_VERSION,
    reads: 0,
    publishers: {},
  };
  let current = null as { id: string; tree: LeafTree; entry: Entry; buffer: StatementLeaf[] } | null;
  const flush = async () => {
    if (!current || current.buffer.length === 0) return;
    const key = chunkKey(month, current.id, current.entry.chunks.length);
    await ledger.archive.put(key, await encodeChunk(current.buffer));
    current.entry.chunks.push({
      key,
      first: current.buffer[0] as StatementLeaf,
      leaves: current.buffer.length,
    });
    current.buffer = [];
  };
  const finish = async () => {
    if (!current) return;
    await flush();
    current.entry.reads = current.tree.count;
    current.entry.root = await current.tree.root();
    manifest.reads += current.tree.count;
  };
  for await (const page of walkMonthShards(ledger, month)) {
    for (const { publisherId, ...leaf } of page) {
      if (current?.id !== publisherId) {
        await finish();
        const entry: Entry = { reads: 0, root: '', chunks: [] };
        manifest.publishers[publisherId] = entry;
        current = { id: publisherId, tree: new LeafTree(), entry, buffer: [] };
      }
      await current.tree.add(leaf);
      current.buffer.push(leaf);
      if (current.buffer.length === CHUNK_LEAVES) await flush();
    }
  }
  await finish();
  return manifest;
}

/** Rebuilds each publisher's subtree from the stored chunks: what the archive holds, not what was meant. */
async function rootsFromArchive(ledger: Ledger, manifest: ArchiveManifest): Promise<Map<string, string>> {
  const roots = new Map<string, string>();
  for (const [publisherId, entry] of Object.entries(manifest.publishers)) {
    const tree = new LeafTree();
    for (const chunk of entry.chunks)
      for (const leaf of await readChunk(ledger.archive, chunk.key)) await tree.add(leaf);
    if (tree.count !== entry.reads)
      throw new Error(`archive of ${manifest.month} lost leaves of ${publisherId}`);
    roots.set(publisherId, await tree.root());
  }
  return roots;
}

/**
 * Archives a month once one of its statements is signed and every day of it is sealed; null when
 * it is not ready (or already archived). A root that does not match the signed statement throws,
 * and the month stays in its period databases.
 */
export async function archiveMonth(
  ctx: AppContext,
  ledger: Ledger,
  m: string,
  budget: SealBudget,
): Promise<{ reads: number; publishers: number } | null> {
  const [done] = await ctx.db.select().from(ledgerMonths).where(eq(ledgerMonths.month, m)).limit(1);
  if (done) return null;
  const signed = await ctx.db
    .select({ publisherId: payoutLines.publisherId, root: payoutLines.root, reads: payoutLines.reads })
    .from(payoutLines)
    .innerJoin(payouts, eq(payouts.id, payoutLines.payoutId))
    .where(and(eq(payouts.month, m), isNotNull(payouts.statement)));
  if (signed.length === 0 || !(await sealMonth(ctx, ledger, m, budget))) return null;
  const manifest = await writeChunks(ledger, m);
  const stored = await rootsFromArchive(ledger, manifest);
  for (const line of signed) {
    const root = stored.get(line.publisherId);
    const reads = manifest.publishers[line.publisherId]?.reads ?? 0;
    if (reads !== line.reads || (reads > 0 && root !== line.root)) {
      throw new Error(`the ledger of ${m} does not match its signed statement for ${line.publisherId}`);
    }
  }
  const key = manifestKey(m);
  await ledger.archive.put(key, new TextEncoder().encode(JSON.stringify(manifest)));
  await ctx.db
    .insert(ledgerMonths)
    .values({ month: m, manifest: key, reads: manifest.reads, archivedAt: wholeSeconds(ctx.now()) })
    .onConflictDoNothing();
  for (let shard = 0; shard < ledger.shards; shard++) await ledger.release(m, shard);
  ctx.logger.info('ledger month archived', { month: m, reads: manifest.reads });
  return { reads: manifest.reads, publishers: Object.keys(manifest.publishers).length };
}
