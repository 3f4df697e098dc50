/**
 * @module The reads ledger (docs/LEDGER.md): ended days sealed from `reads` into period databases,
 * statements walked from them, months archived and still provable, `reads` trimmed to its hot
 * days. The Node door's backend (node-ledger.ts) is imported by the Node door alone.
 */

export { runLedgerJobs } from './jobs';
export { type MonthLeafSource, monthLeafSource } from './leaves';
export { type ArchiveStore, type Ledger, LedgerSlotBusy } from './ledger';
export { ledgerRoutes } from './routes';
export { type LedgerStatus, ledgerStatus } from './status';
export { lastTrimmedDay } from './trimmed';
export { workerLedger } from './worker-ledger';
