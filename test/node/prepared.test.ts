/**
 * oncePer (src/lib/once-per.ts) and preparedPerDatabase (src/db/client.ts) on it: one build per
 * owner, reused, never shared across owners.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { preparedPerDatabase } from '../../src/db/client';
import { openLocalDatabase } from '../../src/db/local-database';
import { oncePer } from '../../src/lib/once-per';

describe('preparedPerDatabase', () => {
  it('builds a query once per database and answers each database from its own', async () => {
    const databases = [openLocalDatabase({ path: ':memory:' }), openLocalDatabase({ path: ':memory:' })];
    const [a, b] = databases.map((local) => local.db);
    if (!a || !b) throw new Error('two databases expected');
    await a.run(sql`create table t (v text)`);
    await b.run(sql`create table t (v text)`);
    await a.run(sql`insert into t values ('from a')`);
    await b.run(sql`insert into t values ('from b')`);
    let builds = 0;
    const query = preparedPerDatabase((db) => {
      builds++;
      return db.all<{ v: string }>(sql`select v from t`);
    });
    const first = query(a);
    expect(query(a)).toBe(first);
    expect(query(b)).not.toBe(first);
    expect(query(b)).toBe(query(b));
    expect(builds).toBe(2);
    expect(await query(a)).toEqual([{ v: 'from a' }]);
    expect(await query(b)).toEqual([{ v: 'from b' }]);
    for (const local of databases) local.close();
  });

  it('keeps one value per owner object for values of any kind', () => {
    const owners = [{ name: 'a' }, { name: 'b' }];
    const made: string[] = [];
    const valueFor = oncePer((owner: { name: string }) => {
      made.push(owner.name);
      return { for: owner.name };
    });
    const [a, b] = owners;
    if (!a || !b) throw new Error('two owners expected');
    expect(valueFor(a)).toBe(valueFor(a));
    expect(valueFor(b)).toEqual({ for: 'b' });
    expect(valueFor(a)).toEqual({ for: 'a' });
    expect(made).toEqual(['a', 'b']);
  });
});
