/**
 * @module Leaves served from an archive of several chunks (the directory store as the Node door
 * uses it): every page after every cursor, across chunk boundaries, equals the same slice of the
 * leaves in tree order, and the walk yields them all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compareLeaves, encodeLeaf, type StatementLeaf, TREE_VERSION } from '@onepass/verify/statement';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ArchiveManifest,
  chunkKey,
  encodeChunk,
  manifestKey,
} from '../../src/features/ledger/archive-format';
import { archivedLeaves } from '../../src/features/ledger/archive-read';
import { directoryArchive } from '../../src/features/ledger/node-ledger';

const dir = mkdtempSync(path.join(tmpdir(), 'onepass-archive-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('archived leaves', () => {
  it('page after any cursor across chunks, in tree order', async () => {
    const store = directoryArchive(dir);
    const leaves: StatementLeaf[] = [];
    for (let s = 0; s < 6; s++)
      for (let a = 0; a < 4; a++)
        leaves.push({ subject: `prw_${s}`, article_id: `a-${a}`, day: `2026-11-0${1 + (a % 3)}` });
    leaves.sort((x, y) => compareLeaves(encodeLeaf(x), encodeLeaf(y)));
    // Chunks of 7, 7, 7 and 3 leaves, as the archive writes them (first leaf listed).
    const month = '2026-11';
    const chunks = [];
    for (let i = 0; i * 7 < leaves.length; i++) {
      const part = leaves.slice(i * 7, i * 7 + 7);
      const key = chunkKey(month, 'pub_a', i);
      await store.put(key, await encodeChunk(part));
      chunks.push({ key, first: part[0] as StatementLeaf, leaves: part.length });
    }
    const manifest: ArchiveManifest = {
      version: 1,
      month,
      tree_version: TREE_VERSION,
      reads: leaves.length,
      publishers: { pub_a: { reads: leaves.length, root: '', chunks } },
    };
    await store.put(manifestKey(month), new TextEncoder().encode(JSON.stringify(manifest)));
    const source = archivedLeaves(store, manifestKey(month));

    for (let from = -1; from < leaves.length; from++) {
      const after = from < 0 ? null : (leaves[from] as StatementLeaf);
      for (const limit of [1, 5, 9, 100]) {
        expect(await source.leaves('pub_a', after, limit)).toEqual(leaves.slice(from + 1, from + 1 + limit));
      }
    }
    expect(await source.leaves('pub_other', null, 10)).toEqual([]);
    const walked: StatementLeaf[] = [];
    for await (const page of source.walk()) for (const { publisherId, ...leaf } of page) walked.push(leaf);
    expect(walked).toEqual(leaves);
  });
});
