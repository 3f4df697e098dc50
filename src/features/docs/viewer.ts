/** @module The API reference viewer's script as the service serves it: its path and the ETag rule for revalidation. */

/** Where `/docs` loads the viewer from (the service itself), and its path in the Worker's static assets. */
export const VIEWER_PATH = '/docs/viewer.js';

/** A day, then a revalidation answered 304 while the installed viewer is unchanged. */
export const VIEWER_CACHE_CONTROL = 'public, max-age=86400';

/** Whether an `If-None-Match` header names `etag` (weak or strong, or `*`), as RFC 9110 compares them for GET. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
