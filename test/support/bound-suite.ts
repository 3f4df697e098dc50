/**
 * @module The bound statements of src/db/bound.ts on one driver: run by test/node/bound.test.ts on a
 * libSQL file and on a remote (Hrana) server, and by test/workers/bound.test.ts on D1, each with
 * the real migrations.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bound, placeholderRow, rowValues } from '../../src/db/bound';
import type { Db } from '../../src/db/client';
import { insertIf } from '../../src/db/insert-if';
import { outbox, readers } from '../../src/db/schema';

const ph = sql.placeholder;
const queue = bound((db) =>
  db.insert(outbox).values(placeholderRow(outbox)).onConflictDoNothing().returning({ id: outbox.id }),
);
const queueIf = bound((db) =>
  insertIf(
    db,
    outbox,
    placeholderRow(outbox),
    sql`exists (select 1 from ${outbox} where ${outbox.dedupeKey} = ${ph('after')})`,
  ),
);
const touch = bound((db, shape) =>
  db
    .update(outbox)
    .set(Object.fromEntries(shape.split(',').map((key) => [key, ph(key)])))
    .where(eq(outbox.id, ph('where')))
    .returning({ id: outbox.id, attempts: outbox.attempts }),
);

const at = new Date('2026-12-07T10:00:00Z');
const mail = (id: string, dedupeKey: string) => ({
  id,
  dedupeKey,
  readerId: null,
  toAddress: `${id}@example.com`,
  template: 'receipt',
  payload: { amount: 999, note: 'a "quoted" ünïcode value' },
  nextAttemptAt: at,
  createdAt: at,
});

export function boundSuite(name: string, db: () => Db): void {
  const rows = async (...ids: string[]) =>
    (await db().select().from(outbox))
      .filter((r) => ids.includes(r.id))
      .sort((a, b) => (a.id < b.id ? -1 : 1));

  describe(`bound statements (${name})`, () => {
    it('binds each call its own values, through the columns’ encoders and defaults, and maps what it returns', async () => {
      const [a, b] = await db().batch([
        queue(db(), rowValues(outbox, mail(`${name}_a`, `${name}:a`))),
        queue(db(), rowValues(outbox, mail(`${name}_b`, `${name}:b`))),
      ]);
      expect(a).toEqual([{ id: `${name}_a` }]);
      expect(b).toEqual([{ id: `${name}_b` }]);
      const [first, second] = await rows(`${name}_a`, `${name}_b`);
      expect(first).toMatchObject({
        dedupeKey: `${name}:a`,
        toAddress: `${name}_a@example.com`,
        payload: { amount: 999, note: 'a "quoted" ünïcode value' },
        nextAttemptAt: at,
        status: 'pending', // the column's default
        attempts: 0,
        lastError: null,
        sentAt: null,
      });
      expect(second?.dedupeKey).toBe(`${name}:b`);
      // The conflict clause holds: the same key again lands nothing, and returns no row.
      const [again] = await db().batch([queue(db(), rowValues(outbox, mail(`${name}_c`, `${name}:a`)))]);
      expect(again).toEqual([]);
      expect(await rows(`${name}_c`)).toEqual([]);
    });

    it('a conditional insert lands only while its bound condition holds', async () => {
      const [, landed] = await db().batch([
        queueIf(db(), { ...rowValues(outbox, mail(`${name}_d`, `${name}:d`)), after: `${name}:none` }),
        queueIf(db(), { ...rowValues(outbox, mail(`${name}_e`, `${name}:e`)), after: `${name}:a` }),
      ]);
      expect(landed).toBeDefined();
      expect((await rows(`${name}_d`, `${name}_e`)).map((r) => r.id)).toEqual([`${name}_e`]);
    });

    it('keeps one statement per shape: an update of other columns is built apart', async () => {
      const [one, two] = await db().batch([
        touch(db(), { attempts: 3, where: `${name}_a` }, 'attempts'),
        touch(db(), { attempts: 5, lastError: 'bounced', where: `${name}_b` }, 'attempts,lastError'),
      ]);
      expect(one).toEqual([{ id: `${name}_a`, attempts: 3 }]);
      expect(two).toEqual([{ id: `${name}_b`, attempts: 5 }]);
      const [a, b] = await rows(`${name}_a`, `${name}_b`);
      expect([a?.attempts, a?.lastError, b?.attempts, b?.lastError]).toEqual([3, null, 5, 'bounced']);
    });

    it('refuses a value left out, and a table whose default is SQL, before anything runs', async () => {
      expect(() => touch(db(), { where: `${name}_a` }, 'attempts')).toThrow(
        'No value for placeholder "attempts" was provided',
      );
      expect(() => rowValues(readers, { id: 'rdr_x', email: 'x@example.com' } as never)).toThrow(
        /SQL default/,
      );
      expect((await rows(`${name}_a`))[0]?.attempts).toBe(3);
    });
  });
}
