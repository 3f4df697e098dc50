/** @module Content negotiation of errors: an HTML page for a browser, problem+json for every other client. */
import type { Context } from 'hono';

/** The quality a client's Accept header gives a media type (0 when it is not accepted at all). */
function quality(accept: string, type: string): number {
  let best = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(
      params
        .map((p) => p.trim())
        .find((p) => p.startsWith('q='))
        ?.slice(2) ?? '1',
    );
    const matches = range === type || range === `${type.split('/')[0]}/*` || range === '*/*';
    // An exact range outranks a wildcard of the same quality.
    const score = Number.isFinite(q) ? q + (range === type ? 0.0001 : 0) : 0;
    if (matches && score > best) best = score;
  }
  return best;
}

/**
 * True when the client asks for HTML before JSON, as a browser opening an address does
 * (`text/html,…,*\/*;q=0.8`); API clients (`application/json`, `*\/*`, none) get problem+json.
 */
export function prefersHtml(c: Context): boolean {
  const accept = c.req.header('accept');
  if (!accept) return false;
  const html = quality(accept, 'text/html');
  return (
    html > 0 &&
    html > Math.max(quality(accept, 'application/json'), quality(accept, 'application/problem+json'))
  );
}
