/** @module The caller's IP address, as the door reports it (each door knows where to find it). */
import type { AppContext } from '../app/context';

/** The caller's IP; `unknown` when the door cannot tell (all such callers share one bucket). */
export function clientIpOf(ctx: AppContext, c: Parameters<NonNullable<AppContext['clientIp']>>[0]): string {
  try {
    return ctx.clientIp?.(c) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
