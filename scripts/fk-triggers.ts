/**
 * @module Prints the triggers that enforce the schema's foreign keys without any connection state
 * (`npm run -s db:fk-triggers`): a remote libSQL server over HTTP opens a fresh connection per
 * request, so `PRAGMA foreign_keys` never holds there. The migration that installs them is
 * checked against this output by test/node/fk-triggers.test.ts.
 */
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from '../src/db/schema';

const isTable = (value: unknown): value is SQLiteTable =>
  typeof value === 'object' && value !== null && Symbol.for('drizzle:IsDrizzleTable') in value;

/** The triggers, one statement each, for every single-column foreign key of the schema. */
export function foreignKeyTriggers(): string[] {
  const statements: string[] = [];
  const tables = Object.values(schema as Record<string, unknown>)
    .filter(isTable)
    .map((t) => getTableConfig(t));
  for (const child of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    for (const fk of child.foreignKeys) {
      const ref = fk.reference();
      const [column] = ref.columns;
      const [parentColumn] = ref.foreignColumns;
      if (ref.columns.length !== 1 || !column || !parentColumn)
        throw new Error(`composite key on ${child.name}`);
      const parent = getTableConfig(ref.foreignTable).name;
      const col = column.name;
      const pcol = parentColumn.name;
      const missing = `NEW.\`${col}\` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \`${parent}\` WHERE \`${pcol}\` = NEW.\`${col}\`)`;
      const raise = `SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: ${child.name}.${col}') WHERE ${missing};`;
      statements.push(
        `CREATE TRIGGER IF NOT EXISTS \`fk_${child.name}_${col}_insert\` BEFORE INSERT ON \`${child.name}\` BEGIN ${raise} END;`,
        `CREATE TRIGGER IF NOT EXISTS \`fk_${child.name}_${col}_update\` BEFORE UPDATE OF \`${col}\` ON \`${child.name}\` BEGIN ${raise} END;`,
      );
      const onDelete = fk.onDelete ?? 'no action';
      const action =
        onDelete === 'cascade'
          ? `DELETE FROM \`${child.name}\` WHERE \`${col}\` = OLD.\`${pcol}\`;`
          : onDelete === 'set null'
            ? `UPDATE \`${child.name}\` SET \`${col}\` = NULL WHERE \`${col}\` = OLD.\`${pcol}\`;`
            : `SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: ${child.name}.${col}') WHERE EXISTS (SELECT 1 FROM \`${child.name}\` WHERE \`${col}\` = OLD.\`${pcol}\`);`;
      const timing = onDelete === 'cascade' || onDelete === 'set null' ? 'AFTER' : 'BEFORE';
      statements.push(
        `CREATE TRIGGER IF NOT EXISTS \`fk_${child.name}_${col}_parent_delete\` ${timing} DELETE ON \`${parent}\` BEGIN ${action} END;`,
      );
    }
  }
  return statements;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(foreignKeyTriggers().join('\n--> statement-breakpoint\n'));
}
