/**
 * @module The scripts the service serves as files of its own (the API reference viewer, the
 * passkeys pages' script): the answer, with its ETag and a 304 for a revalidation, built from
 * what the context's `staticAsset` found; 404 where the door does not have the file.
 */
import type { Context } from 'hono';
import { ApiError } from '../app/errors';

export const JAVASCRIPT = 'text/javascript; charset=utf-8';

/** Answers GET `path` from the door's static assets, JavaScript, cached as `cacheControl` says. */
export async function serveStaticScript(c: Context, path: string, cacheControl: string): Promise<Response> {
  const found = await c.get('ctx').staticAsset?.(path, c.req.header('if-none-match'));
  if (!found) throw new ApiError('not_found', `${path} is not available here.`);
  const etag = found.headers.get('etag');
  const unchanged = found.status === 304;
  if (unchanged) await found.body?.cancel();
  return new Response(unchanged ? null : found.body, {
    status: unchanged ? 304 : 200,
    headers: {
      'Content-Type': JAVASCRIPT,
      'Cache-Control': cacheControl,
      'X-Content-Type-Options': 'nosniff',
      ...(etag === null ? {} : { ETag: etag }),
    },
  });
}
