/**
 * @module Prints the query plan of every statement each measured operation runs: the operations run
 * once against the door's app served in-process on a copy of the smallest database (the SQL texts do
 * not depend on the size), each statement explained on the largest one. Flags scans of big tables.
 */
import { deepCursorOf } from './cursor';
import { operations } from './operations';
import { type Captured, explainAll, SqlRecorder, serveInProcess } from './plans';
import { buySubscriptions, reconcile, startEmulator } from './reconcile';
import { makeStatement } from './statement';

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

export async function printPlans(
  smallDb: string,
  largeDb: string,
  readers: number,
  month: string,
): Promise<number> {
  const recorder = new SqlRecorder();
  const emulator = await startEmulator();
  const app = await serveInProcess(smallDb, { STRIPE_API_BASE: emulator.url });
  recorder.install();
  try {
    const target = { url: app.url, adminKey: app.adminKey, readers, deep: deepCursorOf(smallDb, readers) };
    for (const op of operations(target)) {
      recorder.label = op.name;
      await op.run(1);
    }
    recorder.label = 'payout statement of the month';
    await makeStatement({ ...app, pid: undefined }, month, 99);
    recorder.label = '';
    const bought = await buySubscriptions(emulator.url, 20, readers);
    recorder.label = 'reconciliation';
    await reconcile(app, bought);
    recorder.label = '';
  } finally {
    recorder.uninstall();
    await app.stop();
    await emulator.stop();
  }

  console.log(
    '\n=== Query plans (every statement the measured routes ran; explained on the largest database) ===',
  );
  let flagged = 0;
  for (const [label, statements] of recorder.byLabel) {
    const list: Captured[] = [...statements.values()];
    const plans = explainAll(largeDb, list);
    console.log(`\n  ${label}: ${list.length} statements`);
    for (const { sql } of list) {
      const lines = plans.get(sql) ?? [];
      const bad = lines.some((l) => l.flagged);
      if (bad) flagged++;
      console.log(`    ${bad ? 'SCAN!' : '     '} ${oneLine(sql).slice(0, 220)}`);
      for (const line of lines) console.log(`            ${line.flagged ? '>> ' : ''}${line.detail}`);
    }
  }
  console.log(
    `\n  ${flagged === 0 ? 'no statement scans a big table' : `${flagged} statements scan a big table (marked SCAN!)`}` +
      ' (an ordered walk of an index that stops at the LIMIT is not counted as a scan)',
  );
  return flagged;
}
