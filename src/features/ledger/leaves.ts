/**
 * @module A month's leaves, wherever they are: `reads` itself (no ledger), the month's period
 * ledger databases (sealed first), or its archive once archived. Each walks in tree order.
 */
import type { StatementLeaf } from '@onepass/verify/statement';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ApiError } from '../../app/errors';
import { ledgerMonths, reads } from '../../db/schema';
import { monthBounds } from '../../domain/payout';
import { archivedLeaves } from './archive-read';
import { type Ledger, type LedgerDb, LedgerSlotBusy } from './ledger';
import { dayNumber, dayOfNumber, shardOf } from './partition';
import { sealMonth } from './seal';

/** Rows per query of a walk: 1M reads are 100 queries, well inside D1's per-request budget. */
const WALK_PAGE = 10_000;
/** Pages a request may seal of a month the scheduled runs have not sealed yet. */
const REQUEST_SEAL_PAGES = 200;

export interface PublisherLeaf extends StatementLeaf {
  publisherId: string;
}

export interface MonthLeafSource {
  /** Every publisher's leaves of the month in pages, each publisher's together and in tree order. */
  walk(): AsyncGenerator<PublisherLeaf[]>;
  /** At most `limit` of a publisher's leaves after `after`, in tree order. */
  leaves(publisherId: string, after: StatementLeaf | null, limit: number): Promise<StatementLeaf[]>;
}

/**
 * Pages of WALK_PAGE rows in key order, each asked for after the last row of the one before, until
 * a short page.
 */
async function* keysetPages<T>(page: (after: T | undefined) => Promise<T[]>): AsyncGenerator<T[]> {
  let after: T | undefined;
  for (;;) {
    const rows = await page(after);
    if (rows.length > 0) yield rows;
    after = rows.at(-1);
    if (!after || rows.length < WALK_PAGE) return;
  }
}

/**
 * The month's days as a filter the planner cannot take an index from (SQLite's unary `+`): the
 * walk must follow the primary key, whose order is the tree's, rather than a day index whose rows
 * would be sorted again for every page.
 */
function hotSource(ctx: AppContext, first: string, next: string): MonthLeafSource {
  const inMonth = sql`+${reads.day} >= ${first} and +${reads.day} < ${next}`;
  const leaf = { subject: reads.subject, article_id: reads.articleId, day: reads.day };
  return {
    walk() {
      return keysetPages((after: PublisherLeaf | undefined) =>
        ctx.db
          .select({ publisherId: reads.publisherId, ...leaf })
          .from(reads)
          .where(
            and(
              inMonth,
              after
                ? sql`(${reads.publisherId}, ${reads.subject}, ${reads.articleId}, ${reads.day}) > (${after.publisherId}, ${after.subject}, ${after.article_id}, ${after.day})`
                : undefined,
            ),
          )
          .orderBy(asc(reads.publisherId), asc(reads.subject), asc(reads.articleId), asc(reads.day))
          .limit(WALK_PAGE),
      );
    },
    leaves(publisherId, after, limit) {
      const conditions: SQL[] = [eq(reads.publisherId, publisherId), inMonth];
      if (after) {
        conditions.push(
          sql`(${reads.subject}, ${reads.articleId}, ${reads.day}) > (${after.subject}, ${after.article_id}, ${after.day})`,
        );
      }
      return ctx.db
        .select(leaf)
        .from(reads)
        .where(and(...conditions))
        .orderBy(asc(reads.subject), asc(reads.articleId), asc(reads.day))
        .limit(limit);
    },
  };
}

interface LedgerRow {
  publisher_no: number;
  subject: string;
  article_id: string;
  day: number;
}

/** A ledger row as a leaf: its day back to `YYYY-MM-DD`. */
const leafOf = (r: { subject: string; article_id: string; day: number }): StatementLeaf => ({
  subject: r.subject,
  article_id: r.article_id,
  day: dayOfNumber(Number(r.day)),
});

/**
 * Every row of one ledger database in key order: each publisher's leaves together, in tree order.
 * The publishers' ids are read once (a row per publisher) instead of joined to every read.
 */
async function* walkLedgerDb(db: LedgerDb): AsyncGenerator<PublisherLeaf[]> {
  const publishers = async () =>
    new Map(
      (await db.all<{ no: number; id: string }>(sql`select no, id from ledger_publishers`)).map((p) => [
        Number(p.no),
        p.id,
      ]),
    );
  let ids = await publishers();
  const pages = keysetPages((after: LedgerRow | undefined) =>
    db.all<LedgerRow>(
      sql`select publisher_no, subject, article_id, day from ledger_reads
          ${after ? sql`where (publisher_no, subject, article_id, day) > (${after.publisher_no}, ${after.subject}, ${after.article_id}, ${after.day})` : sql``}
          order by publisher_no, subject, article_id, day limit ${WALK_PAGE}`,
    ),
  );
  for await (const page of pages) {
    const leaves: PublisherLeaf[] = [];
    for (const r of page) {
      const no = Number(r.publisher_no);
      let publisherId = ids.get(no);
      if (publisherId === undefined) {
        // A publisher sealed in since the walk began: the numbers are read again.
        ids = await publishers();
        publisherId = ids.get(no);
      }
      if (publisherId === undefined) throw new Error(`ledger read of unknown publisher number ${no}`);
      leaves.push({ publisherId, ...leafOf(r) });
    }
    yield leaves;
  }
}

/**
 * Every leaf of a month in its shard databases, shard after shard: each publisher's leaves
 * together (a publisher's reads are all in one shard), in tree order.
 */
export async function* walkMonthShards(ledger: Ledger, month: string): AsyncGenerator<PublisherLeaf[]> {
  for (let shard = 0; shard < ledger.shards; shard++) {
    const db = await shardToRead(ledger, month, shard);
    if (db) yield* walkLedgerDb(db);
  }
}

/**
 * A month's shard to read, or null when its ring slot holds another month: then no read of this
 * month was ever sealed into it (sealing one would have claimed the slot), so the shard is empty.
 */
async function shardToRead(ledger: Ledger, month: string, shard: number): Promise<LedgerDb | null> {
  try {
    return await ledger.open(month, shard);
  } catch (err) {
    if (err instanceof LedgerSlotBusy) return null;
    throw err;
  }
}

/** The manifest key of an archived month, or null. */
async function archivedManifest(ctx: AppContext, month: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ manifest: ledgerMonths.manifest })
    .from(ledgerMonths)
    .where(eq(ledgerMonths.month, month))
    .limit(1);
  return row?.manifest ?? null;
}

/**
 * The month's shard databases. The archive records a month before it releases its databases, so a
 * read that finds the month archived once it is done may have overlapped the release: a walk is
 * then refused (409, nothing is signed from it) and a page is read again from the archive.
 */
function ledgerSource(ctx: AppContext, ledger: Ledger, month: string): MonthLeafSource {
  return {
    async *walk() {
      yield* walkMonthShards(ledger, month);
      if (await archivedManifest(ctx, month)) {
        throw new ApiError('conflict', `The ledger of ${month} was archived while it was read; try again.`);
      }
    },
    async leaves(publisherId, after, limit) {
      const db = await shardToRead(ledger, month, shardOf(publisherId, ledger.shards));
      const rows = db
        ? await db.all<{ subject: string; article_id: string; day: number }>(
            sql`select r.subject, r.article_id, r.day from ledger_reads r
                where r.publisher_no = (select no from ledger_publishers where id = ${publisherId})
                ${after ? sql`and (r.subject, r.article_id, r.day) > (${after.subject}, ${after.article_id}, ${dayNumber(after.day)})` : sql``}
                order by r.subject, r.article_id, r.day limit ${limit}`,
          )
        : [];
      const manifest = await archivedManifest(ctx, month);
      if (manifest) return archivedLeaves(ledger.archive, manifest).leaves(publisherId, after, limit);
      return rows.map(leafOf);
    },
  };
}

/**
 * Where the month's leaves are read from. With a ledger, a month not yet archived is sealed first
 * (normally the scheduled runs did it already); one too large to seal within a request is a 409.
 */
export async function monthLeafSource(ctx: AppContext, month: string): Promise<MonthLeafSource> {
  const bounds = monthBounds(month);
  if (!bounds) throw new Error(`not a month: ${month}`);
  const { ledger } = ctx;
  if (!ledger) return hotSource(ctx, bounds.first, bounds.next);
  const archived = await archivedManifest(ctx, month);
  if (archived) return archivedLeaves(ledger.archive, archived);
  const sealed = await sealMonth(ctx, ledger, month, { pages: REQUEST_SEAL_PAGES }).catch((err: unknown) => {
    if (!(err instanceof LedgerSlotBusy)) throw err;
    throw new ApiError(
      'conflict',
      `The ledger database for ${month} (${err.slot}) still holds ${err.holds}, which is not archived yet: ` +
        `make and sign the statement of ${err.holds} first, then try again after the next scheduled run.`,
    );
  });
  if (!sealed) {
    throw new ApiError(
      'conflict',
      `The reads of ${month} are still being sealed into the ledger; try again in a few minutes.`,
    );
  }
  return ledgerSource(ctx, ledger, month);
}
