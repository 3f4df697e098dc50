/** @module Where Stripe may send a reader back to: this service, or a registered publisher's origin. */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ApiError } from '../../app/errors';
import { publishers } from '../../db/schema';
import { parseHttpUrl } from '../../domain/redirects';

/**
 * Return URLs go only to this service or to a registered publisher's origin: Checkout must not
 * become an open redirect.
 */
export async function assertReturnUrl(ctx: AppContext, url: string, field: string): Promise<void> {
  const parsed = parseHttpUrl(url);
  if (!parsed) {
    throw new ApiError('invalid_request', 'The return URL is not a valid http(s) URL.', {
      errors: [{ path: field, message: 'Must be an absolute http(s) URL' }],
    });
  }
  const origin = parsed.origin;
  if (origin === new URL(ctx.config.publicUrl).origin) return;
  const [hit] = await ctx.db
    .select({ id: publishers.id })
    .from(publishers)
    .where(sql`exists (select 1 from json_each(${publishers.origins}) where json_each.value = ${origin})`)
    .limit(1);
  if (!hit) {
    throw new ApiError(
      'invalid_request',
      'The return URL must be on this service or a registered publisher site.',
      {
        errors: [{ path: field, message: 'Origin not allowed' }],
      },
    );
  }
}
