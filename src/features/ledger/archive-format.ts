/**
 * @module The archive's format (docs/LEDGER.md): per month a JSON manifest, and per publisher its
 * leaves in tree order in gzip'd NDJSON chunks (`["subject","article_id","day"]` a line), each
 * chunk listed with its first leaf so that a page after a cursor opens one chunk, not all.
 */
import type { StatementLeaf, TREE_VERSION } from '@onepass/verify/statement';

export const ARCHIVE_VERSION = 1;
/** Leaves per chunk: about 5 MB of text before gzip. */
export const CHUNK_LEAVES = 50_000;

export interface ArchiveChunk {
  key: string;
  first: StatementLeaf;
  leaves: number;
}

export interface ArchiveManifest {
  version: typeof ARCHIVE_VERSION;
  month: string;
  tree_version: typeof TREE_VERSION;
  reads: number;
  publishers: Record<string, { reads: number; root: string; chunks: ArchiveChunk[] }>;
}

export const manifestKey = (month: string) => `ledger/${month}/manifest.json`;
export const chunkKey = (month: string, publisherId: string, n: number) =>
  `ledger/${month}/${encodeURIComponent(publisherId)}/${String(n).padStart(6, '0')}.ndjson.gz`;

async function through(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const body = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

export function encodeChunk(leaves: readonly StatementLeaf[]): Promise<Uint8Array> {
  const text = leaves.map((l) => JSON.stringify([l.subject, l.article_id, l.day])).join('\n');
  return through(new TextEncoder().encode(`${text}\n`), new CompressionStream('gzip'));
}

export async function decodeChunk(bytes: Uint8Array): Promise<StatementLeaf[]> {
  const text = new TextDecoder().decode(await through(bytes, new DecompressionStream('gzip')));
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [subject, article_id, day] = JSON.parse(line) as [string, string, string];
      return { subject, article_id, day };
    });
}
