/** @module Who the admin caller is: the bootstrap ADMIN_API_KEY or a stored admin key, with its role. */
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { type AdminRole, adminKeys } from '../../db/schema';
import { sha256Hex, timingSafeEqual } from '../../lib/crypto';

export interface AdminActor {
  /** `bootstrap` for the ADMIN_API_KEY from the environment, else the `adk_…` id. */
  keyId: string;
  role: AdminRole;
}

/**
 * The principal of every admin use-case: who acts, and the request it came in on, which the
 * audit row of a change records.
 */
export interface AdminPrincipal {
  actor: AdminActor;
  requestId: string;
}

/** The actor id of the environment's ADMIN_API_KEY in the audit log and key listings. */
export const BOOTSTRAP_KEY_ID = 'bootstrap';

export async function authenticateAdmin(ctx: AppContext, key: string): Promise<AdminActor | null> {
  if (key.length < 24 || key.length > 200) return null;
  const hash = await sha256Hex(key);
  if (timingSafeEqual(hash, await sha256Hex(ctx.config.adminApiKey)))
    return { keyId: BOOTSTRAP_KEY_ID, role: 'admin' };
  const [row] = await ctx.db
    .select({ id: adminKeys.id, role: adminKeys.role })
    .from(adminKeys)
    .where(and(eq(adminKeys.keyHash, hash), isNull(adminKeys.revokedAt)))
    .limit(1);
  return row ? { keyId: row.id, role: row.role } : null;
}
