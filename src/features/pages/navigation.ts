/** @module Where page flows lead: `next` continuations on this service, sign-in links, a publisher's return page. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app/env';
import { isId } from '../../db/ids';
import type { PublisherRow } from '../../db/schema';
import { parseNext, parseReturnTo } from '../../domain/redirects';
import { getPublisher } from '../publishers';

export type PageContext = Context<AppEnv>;

/** The `next` a page was given, if it is one of this service's own paths. */
export const nextOf = (c: PageContext, raw: string | undefined) =>
  parseNext(raw, c.get('ctx').config.publicUrl);

export function loginFor(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

export function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

/** A publisher page that a sign-out may return to: only the publisher's registered origins. */
export async function publisherReturn(
  c: PageContext,
  publisherId: string | undefined,
  returnTo: string | undefined,
): Promise<{ publisher: PublisherRow; url: URL } | null> {
  if (!publisherId || !returnTo || !isId('publisher', publisherId)) return null;
  const publisher = await getPublisher(c.get('ctx'), publisherId);
  const url = publisher ? parseReturnTo(returnTo, publisher.origins) : null;
  return publisher && url ? { publisher, url } : null;
}
