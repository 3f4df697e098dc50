/**
 * @module The API reference viewer's script where it is installed (Node only): `@scalar/api-reference`'s
 * browser bundle, found through the package's own entry point, read once with its ETag; and the
 * in-memory file answer (ETag, 304) the Node door's other static asset uses too.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JAVASCRIPT } from '../../http/static-asset';
import { etagMatches } from './viewer';

/** `…/@scalar/api-reference/dist/browser/standalone.js`, beside the package's entry (its exports name no browser file). */
export function installedViewerFile(): string {
  const entry = fileURLToPath(import.meta.resolve('@scalar/api-reference'));
  return path.join(path.dirname(entry), 'browser', 'standalone.js');
}

/** A file held in memory, with its ETag. */
export interface HeldFile {
  bytes: Uint8Array;
  etag: string;
}

/** `bytes` with a strong ETag of their SHA-256 (32 hex digits). */
export function heldFile(bytes: Uint8Array): HeldFile {
  return { bytes, etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"` };
}

/** The file as JavaScript with its ETag: 200, or 304 when `ifNoneMatch` names the ETag. */
export function answerHeld(file: HeldFile, ifNoneMatch: string | undefined): Response {
  const headers = { etag: file.etag, 'content-type': JAVASCRIPT };
  if (etagMatches(ifNoneMatch, file.etag)) return new Response(null, { status: 304, headers });
  return new Response(file.bytes, { headers });
}

let installed: Promise<HeldFile | null> | undefined;

/**
 * The installed viewer (200 with an ETag, or 304 when `ifNoneMatch` names it), or null when the
 * package is not installed. The file is read once per process: an upgrade needs a restart.
 */
export async function installedViewer(ifNoneMatch: string | undefined): Promise<Response | null> {
  installed ??= readFile(installedViewerFile()).then(
    (bytes) => heldFile(new Uint8Array(bytes)),
    () => null,
  );
  const file = await installed;
  return file === null ? null : answerHeld(file, ifNoneMatch);
}
