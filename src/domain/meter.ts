/** @module The meter's calendar: free articles are counted per UTC calendar month, across every publisher. */
import type { DenialReason } from './membership';

/** The month a moment counts in, `YYYY-MM` (UTC). */
export function meterMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** When the month's allowance starts afresh: the first instant of the next UTC month. */
export function meterResetsAt(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** Whether a reader refused for `reason` may still read metered articles: everyone but a deleted account. */
export function meterApplies(reason: DenialReason): boolean {
  return reason !== 'deleted';
}
