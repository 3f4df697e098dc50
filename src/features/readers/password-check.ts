/**
 * @module Every check of a reader's password (sign-in, account deletion, later a password or email
 * change) spends the same per-account failure budget, taken before the slow hash: however many
 * guesses arrive at once, no more than the limit are ever checked.
 */
import type { AppContext } from '../../app/context';
import { decoyHash, verifyPassword } from '../../lib/password';
import { giveBack, rateLimited, take } from '../limits';

/**
 * Whether `password` matches `stored` (a missing hash never matches, and costs the same work as a
 * real one). Throws 429 `rate_limited` when the account's budget is spent, before any hashing. A
 * right password gives its unit back: only failures count.
 *
 * @param account the normalised email of the account (its `email_key`): the budget's subject,
 *   whether or not an account has it, so that the limit tells nothing about which addresses do.
 */
export async function checkPassword(
  ctx: AppContext,
  account: string,
  password: string,
  stored: string | null,
): Promise<boolean> {
  const budget = await take(ctx, 'signinFailures', account);
  if (!budget.allowed) throw rateLimited(budget);
  const ok = (await verifyPassword(password, stored ?? (await decoyHash()))) && stored !== null;
  if (ok) await giveBack(ctx, budget.ticket);
  return ok;
}
