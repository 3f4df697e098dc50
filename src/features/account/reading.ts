/**
 * @module "Your reading": what the reader read, across every publisher (title, publisher, link,
 * day), newest first, in keyset pages over `reads_reader_created_idx`.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { decodeCursor, type Page, pageFromRows } from '../../db/pages';
import { publishers, reads } from '../../db/schema';
import type { Authenticated } from '../readers';

export interface ReadingEntry {
  publisher: { id: string; name: string };
  article: { id: string; title: string | null; url: string | null };
  date: string;
  createdAt: Date;
  /** The tie-breaker of the page order: one reader reads one article of one publisher once a day. */
  key: string;
}

export const READING_PAGE_SIZE = 20;

export async function readingHistory({
  ctx,
  principal: who,
  input,
}: UseCase<{ cursor?: string | undefined; limit?: number }, Authenticated>): Promise<Page<ReadingEntry>> {
  const limit = input.limit ?? READING_PAGE_SIZE;
  const after = decodeCursor(input.cursor);
  const key = sql<string>`${reads.publisherId} || '/' || ${reads.day} || '/' || ${reads.articleId}`;
  const rows = await ctx.db
    .select({
      publisherId: reads.publisherId,
      publisherName: publishers.name,
      articleId: reads.articleId,
      title: reads.title,
      url: reads.url,
      day: reads.day,
      createdAt: reads.createdAt,
      key,
    })
    .from(reads)
    .innerJoin(publishers, eq(publishers.id, reads.publisherId))
    .where(
      and(
        eq(reads.readerId, who.reader.id),
        after
          ? sql`(${reads.createdAt} < ${after.at} or (${reads.createdAt} = ${after.at} and ${key} < ${after.id}))`
          : undefined,
      ),
    )
    .orderBy(desc(reads.createdAt), desc(key))
    .limit(limit + 1);
  const page = pageFromRows(rows, limit, (row) => ({ createdAt: row.createdAt, id: row.key }));
  return {
    nextCursor: page.nextCursor,
    data: page.data.map((row) => ({
      publisher: { id: row.publisherId, name: row.publisherName },
      article: { id: row.articleId, title: row.title, url: row.url },
      date: row.day,
      createdAt: row.createdAt,
      key: row.key,
    })),
  };
}
