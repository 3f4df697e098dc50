/** @module A month's leaves served from its archive: the manifest, then only the chunks a page needs. */
import { compareLeaves, encodeLeaf, type StatementLeaf } from '@onepass/verify/statement';
import { type ArchiveChunk, type ArchiveManifest, decodeChunk } from './archive-format';
import type { MonthLeafSource, PublisherLeaf } from './leaves';
import type { ArchiveStore } from './ledger';

/** Manifests never change once written: kept per key for the life of the process or isolate. */
const manifests = new Map<string, Promise<ArchiveManifest>>();

/** An object the archive must hold: a missing one means the archive was damaged. */
async function stored(store: ArchiveStore, key: string): Promise<Uint8Array> {
  const bytes = await store.get(key);
  if (!bytes) throw new Error(`the ledger archive has no ${key}`);
  return bytes;
}

export function readManifest(store: ArchiveStore, key: string): Promise<ArchiveManifest> {
  let found = manifests.get(key);
  if (!found) {
    found = stored(store, key).then(
      (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as ArchiveManifest,
    );
    found.catch(() => manifests.delete(key));
    manifests.set(key, found);
  }
  return found;
}

export async function readChunk(store: ArchiveStore, key: string): Promise<StatementLeaf[]> {
  return decodeChunk(await stored(store, key));
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
      // Encoded once: every leaf after it is compared with it.
      const cursor = after && encodeLeaf(after);
      const isAfter = (leaf: StatementLeaf) => !cursor || compareLeaves(encodeLeaf(leaf), cursor) > 0;
      // The last chunk starting at or before the cursor holds what follows it (first leaves ascend).
      let i = Math.max(
        0,
        chunks.findLastIndex((c) => !isAfter(c.first)),
      );
      const out: StatementLeaf[] = [];
      for (; i < chunks.length && out.length < limit; i++) {
        for (const leaf of await readChunk(store, (chunks[i] as ArchiveChunk).key)) {
          if (!isAfter(leaf)) continue;
          out.push(leaf);
          if (out.length === limit) break;
        }
      }
      return out;
    },
  };
}
