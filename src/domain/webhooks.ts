/**
 * @module Outbound webhook rules: the event types, the retry schedule (exponential, spanning
 * exactly 3 days) and when an endpoint that keeps failing is disabled.
 */

export const WEBHOOK_EVENT_TYPES = [
  'entitlement.ended',
  'keys.rotating',
  'statement.published',
  'test',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Why a reader's access ended, as `entitlement.ended` tells it. */
export const ENDED_REASONS = ['expired', 'canceled', 'refunded', 'deleted', 'revoked'] as const;
export type EntitlementEndedReason = (typeof ENDED_REASONS)[number];

/** How long a delivery is retried, from its first attempt. */
export const RETRY_WINDOW_SECONDS = 3 * 86_400;
const FIRST_RETRY_SECONDS = 60;
const MAX_RETRY_WAIT_SECONDS = 12 * 3600;

/** The wait after the `n`th failed attempt (n ≥ 1): 1 min, doubling, at most 12 h. */
export function retryWaitSeconds(n: number): number {
  return Math.min(FIRST_RETRY_SECONDS * 2 ** Math.min(n - 1, 30), MAX_RETRY_WAIT_SECONDS);
}

/**
 * Seconds from the first attempt to the next one after `attemptsMade` failed attempts, or null
 * when the schedule is exhausted. The waits add up (1, 2, 4 … 512 min, then 12 h each) until 3
 * days; the last attempt is made at exactly 3 days, and after it the delivery has failed.
 */
export function nextAttemptOffset(attemptsMade: number): number | null {
  if (attemptsMade < 1) return 0;
  let offset = 0;
  for (let n = 1; n <= attemptsMade; n++) {
    if (offset >= RETRY_WINDOW_SECONDS) return null;
    offset = Math.min(offset + retryWaitSeconds(n), RETRY_WINDOW_SECONDS);
  }
  return offset;
}

/** When the next attempt is due, or null when the delivery has failed for good. */
export function nextAttemptAt(firstAttemptAt: Date, attemptsMade: number): Date | null {
  const offset = nextAttemptOffset(attemptsMade);
  return offset === null ? null : new Date(firstAttemptAt.getTime() + offset * 1000);
}

/** The offsets (seconds from the first) of every attempt of a delivery that never succeeds. */
export function retrySchedule(): number[] {
  const offsets: number[] = [];
  for (let n = 0; ; n++) {
    const offset = nextAttemptOffset(n);
    if (offset === null) return offsets;
    offsets.push(offset);
  }
}

/**
 * A delivery that exhausts its schedule disables its endpoint when the endpoint has delivered
 * nothing since that delivery's first attempt, i.e. it has failed continuously for 3 days.
 */
export function disablesEndpoint(input: { failingSince: Date | null; firstAttemptAt: Date | null }): boolean {
  const { failingSince, firstAttemptAt } = input;
  return (
    failingSince !== null && firstAttemptAt !== null && failingSince.getTime() <= firstAttemptAt.getTime()
  );
}

/** A 2xx answer is a delivery; anything else (or no answer) a failed attempt. */
export function isDelivered(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}
