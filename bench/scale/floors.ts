/**
 * @module Bare floors of the operations that must read every read of their range (the reads reports
 * and the month's statement): the least SQL that yields the same figures, run on the database file
 * in this process with no HTTP, no framework and no ORM. Their growth from size to size is what no
 * design that counts every read can beat; the service's growth is printed against it.
 */
import Database from 'libsql';
import { monthBounds } from '../../src/domain/payout';
import { dayBefore, PUBLISHERS, publisherId } from './data';

export type Floors = Map<string, number>;

/** Median ms of `runs` calls of `run(i)`, after one unmeasured call. */
function timed(runs: number, run: (i: number) => void): number {
  run(runs);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** The floors by operation name (the names the scale bench prints), on `file`, for `today`'s 30 days and `month`. */
export function measureFloors(file: string, today: Date, month: string): Floors {
  const db = new Database(file, { readonly: true });
  try {
    const from = dayBefore(today, 29);
    const to = dayBefore(today, 0);
    const onePublisher = db.prepare(
      `select day, count(*), count(distinct subject) from reads
       where publisher_id = ? and day >= ? and day <= ? group by day`,
    );
    const onePublisherTotal = db.prepare(
      `select count(*), count(distinct subject) from reads where publisher_id = ? and day >= ? and day <= ?`,
    );
    // Publisher by publisher through reads_publisher_day_idx, as SQLite plans the report's own join.
    const everyPublisher = db.prepare(
      `select p.id, count(r.publisher_id), count(distinct r.subject) from publishers p
       left join reads r on r.publisher_id = p.id and r.day >= ? and r.day <= ? group by p.id`,
    );
    // The statement's least work: every read of the month, stepped through once (no hashing, no order).
    const monthReads = db.prepare(
      `select publisher_id, subject, article_id, day from reads where day >= ? and day < ?`,
    );
    const bounds = monthBounds(month);
    if (!bounds) throw new Error(`not a month: ${month}`);
    return new Map([
      [
        "reads report, one publisher's 30 days",
        timed(20, (i) => {
          const p = publisherId(i % PUBLISHERS);
          onePublisher.all(p, from, to);
          onePublisherTotal.all(p, from, to);
        }),
      ],
      ['reads report, every publisher (admin, 30 days)', timed(3, () => everyPublisher.all(from, to))],
      [
        'payout statement of the month',
        timed(1, () => {
          let n = 0;
          for (const _ of monthReads.iterate(bounds.first, bounds.next)) n++;
          if (n < 0) throw new Error('unreachable');
        }),
      ],
    ]);
  } finally {
    db.close();
  }
}
