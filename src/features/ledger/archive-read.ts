/** @module A month's leaves served from its archive: the manifest, then only the chunks a page needs. */
import { compareLeaves, encodeLeaf, type StatementLeaf } from '@onepass/verify/statement';
import { type ArchiveManifest, decodeChunk } from './archive-format';
import type { MonthLeafSource, PublisherLeaf } from './leaves';
import type { ArchiveStore } from './ledger';

const compare = (a: StatementLeaf, b: StatementLeaf) => compareLeaves(encodeLeaf(a), encodeLeaf(b));

/** Manifests never change once written: kept per key for the life of the process or isolate. */
const manifests = new Map<string, Promise<ArchiveManifest>>();

export function readManifest(store: ArchiveStore, key: string): Promise<ArchiveManifest> {
  let found = manifests.get(key);
  if (!found) {
    found = store.get(key).then((bytes) => {
      if (!bytes) throw new Error(`the ledger archive has no ${key}`);
      return JSON.parse(new TextDecoder().decode(bytes)) as ArchiveManifest;
    });
    found.catch(() => manifests.delete(key));
    manifests.set(key, found);
  }
  return found;
}

export async function readChunk(store: ArchiveStore, key: string): Promise<StatementLeaf[]> {
  const bytes = await store.get(key);
  if (!bytes) throw new Error(`the ledger archive has no ${key}`);
  return decodeChunk(bytes);
}

export function archivedLeaves(store: ArchiveStore, key: string): MonthLeafSource {
  return {
    async *walk() {
      const manifest = await readManifest(store, key);
      for (const [publisherId, entry] of Object.entries(manifest.publishers)) {
        for (const chunk of entry.chunks) {
          const leaves = await readChunk(store, chunk.key);
          yield leaves.map((leaf): PublisherLeaf => ({ publisherId, ...leaf }));
        }
      }
    },
    async leaves(publisherId, after, limit) {
      const chunks = (await readManifest(store, key)).publishers[publisherId]?.chunks ?? [];
      // The last chunk starting at or before the cursor holds what follows it.
      let i = 0;
      if (after)
        while (
          i + 1 < chunks.length &&
          compare((chunks[i + 1] as { first: StatementLeaf }).first, after) <= 0
        )
          i++;
      const out: StatementLeaf[] = [];
      for (; i < chunks.length && out.length < limit; i++) {
        const leaves = await readChunk(store, (chunks[i] as { key: string }).key);
        for (const leaf of leaves) {
          if (after && compare(leaf, after) <= 0) continue;
          out.push(leaf);
          if (out.length === limit) break;
        }
      }
      return out;
    },
  };
}
