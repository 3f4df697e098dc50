/** @module The publisher directory: one publisher by id, and every publisher in keyset pages, newest first. */
import { desc, eq } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { afterCursor, decodeCursor, type Page, pageFromRows } from '../../db/pages';
import { type PublisherRow, publishers } from '../../db/schema';

export async function listPublishers({
  ctx,
  input,
}: UseCase<{ limit: number; cursor?: string | undefined }>): Promise<Page<PublisherRow>> {
  const rows = await ctx.db
    .select()
    .from(publishers)
    .where(afterCursor(decodeCursor(input.cursor), publishers.createdAt, publishers.id))
    .orderBy(desc(publishers.createdAt), desc(publishers.id))
    .limit(input.limit + 1);
  return pageFromRows(rows, input.limit, (row) => row);
}

export async function getPublisher(ctx: AppContext, id: string): Promise<PublisherRow | null> {
  const [row] = await ctx.db.select().from(publishers).where(eq(publishers.id, id)).limit(1);
  return row ?? null;
}
