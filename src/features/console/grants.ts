/**
 * @module Who may use which console: publisher staff (owner, viewer) invited by an admin or an
 * owner, and operator users (admin, support) granted by an admin; each grant by address, audited,
 * and honoured only for a signed-in reader whose address is confirmed.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError, invalidRequest } from '../../app/errors';
import {
  type AdminRole,
  type AdminUserRow,
  adminUsers,
  outbox,
  type PublisherRow,
  type PublisherStaffRow,
  publisherStaff,
  publishers,
  type StaffRole,
} from '../../db/schema';
import { emailKey, isPlausibleEmail } from '../../domain/email';
import { wholeSeconds } from '../../domain/time';
import type { AdminPrincipal } from '../admin';
import { type AuditPrincipal, auditEntry } from '../audit';
import { mailRow, senderFor, sendSoon } from '../mail';
import type { PublisherPrincipal } from '../publishers';
import type { Authenticated } from '../readers';

export interface ConsoleAccess {
  /** The operator role, or null: not an operator. */
  admin: AdminRole | null;
  /** The publishers whose console this person may open, by name. */
  publishers: { publisher: PublisherRow; role: StaffRole }[];
}

const NO_ACCESS: ConsoleAccess = { admin: null, publishers: [] };

/** What a signed-in reader may open. Nothing until their address is confirmed. */
export async function consoleAccess(ctx: AppContext, who: Authenticated): Promise<ConsoleAccess> {
  const key = who.reader.emailKey;
  if (!key || !who.reader.emailVerifiedAt || who.reader.deletedAt) return NO_ACCESS;
  const [admin, staff] = await ctx.db.batch([
    ctx.db.select({ role: adminUsers.role }).from(adminUsers).where(eq(adminUsers.emailKey, key)).limit(1),
    ctx.db
      .select({ publisher: publishers, role: publisherStaff.role })
      .from(publisherStaff)
      .innerJoin(publishers, eq(publishers.id, publisherStaff.publisherId))
      .where(eq(publisherStaff.emailKey, key))
      .orderBy(asc(publishers.name)),
  ]);
  return { admin: admin[0]?.role ?? null, publishers: staff };
}

function checkedEmail(email: string): { email: string; key: string } {
  const trimmed = email.trim();
  if (!isPlausibleEmail(trimmed)) {
    throw invalidRequest([{ path: 'email', message: 'Enter an email address like name@example.com' }]);
  }
  return { email: trimmed, key: emailKey(trimmed) };
}

/** An owner acting in the console may manage staff; an admin always may. */
function mayManageStaff(principal: AdminPrincipal | PublisherPrincipal, publisherId: string): void {
  if ('publisherId' in principal) {
    if (principal.publisherId !== publisherId || principal.actor.role !== 'owner') {
      throw new ApiError('forbidden', 'Only an owner of this publisher may invite or remove staff.');
    }
  } else if (principal.actor.role !== 'admin') {
    throw new ApiError('forbidden', 'This admin is read-only (support role).');
  }
}

export function presentStaff(row: PublisherStaffRow) {
  return {
    publisher_id: row.publisherId,
    email: row.email,
    role: row.role,
    invited_by: row.invitedBy,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * Invites someone to a publisher's console, or changes the role of someone already invited. They
 * are mailed a link to the console; the grant holds once they sign in with that address confirmed.
 */
export async function inviteStaff({
  ctx,
  principal,
  input,
}: UseCase<
  { publisherId: string; email: string; role: StaffRole },
  AdminPrincipal | PublisherPrincipal
>): Promise<PublisherStaffRow> {
  mayManageStaff(principal, input.publisherId);
  const { email, key } = checkedEmail(input.email);
  const [publisher] = await ctx.db.select().from(publishers).where(eq(publishers.id, input.publisherId));
  if (!publisher) throw new ApiError('not_found', 'No publisher has this id.');
  const [before] = await ctx.db
    .select()
    .from(publisherStaff)
    .where(and(eq(publisherStaff.publisherId, publisher.id), eq(publisherStaff.emailKey, key)));
  const now = wholeSeconds(ctx.now());
  const row: PublisherStaffRow = {
    publisherId: publisher.id,
    emailKey: key,
    email,
    role: input.role,
    invitedBy: principal.actor.keyId,
    createdAt: before?.createdAt ?? now,
  };
  const mail = mailRow(ctx, {
    // Every invitation is its own mail (an address may be invited again, or to another role).
    dedupeKey: `staff_invite:${publisher.id}:${key}:${crypto.randomUUID()}`,
    readerId: null,
    to: email,
    template: 'console_invite',
    payload: {
      publisher_name: publisher.name,
      role: input.role,
      console_url: `${ctx.config.publicUrl}/publisher`,
    },
  });
  await ctx.db.batch([
    ctx.db
      .insert(publisherStaff)
      .values(row)
      .onConflictDoUpdate({
        target: [publisherStaff.publisherId, publisherStaff.emailKey],
        set: { role: row.role },
      }),
    ...(before?.role === row.role ? [] : [ctx.db.insert(outbox).values(mail)]),
    auditEntry(ctx, principal, {
      action: before ? 'publisher_staff.change_role' : 'publisher_staff.invite',
      targetType: 'publisher_staff',
      targetId: `${publisher.id}:${email}`,
      before: before ? { role: before.role } : null,
      after: { role: row.role },
    }),
  ]);
  if (before?.role !== row.role) sendSoon(ctx, senderFor(ctx), mail.id);
  return row;
}

/** Ends someone's access to a publisher's console. */
export async function removeStaff({
  ctx,
  principal,
  input,
}: UseCase<{ publisherId: string; email: string }, AdminPrincipal | PublisherPrincipal>): Promise<void> {
  mayManageStaff(principal, input.publisherId);
  const key = emailKey(input.email.trim());
  const where = and(eq(publisherStaff.publisherId, input.publisherId), eq(publisherStaff.emailKey, key));
  const [before] = await ctx.db.select().from(publisherStaff).where(where);
  if (!before) throw new ApiError('not_found', 'This address is not on the staff of this publisher.');
  await ctx.db.batch([
    ctx.db.delete(publisherStaff).where(where),
    auditEntry(ctx, principal, {
      action: 'publisher_staff.remove',
      targetType: 'publisher_staff',
      targetId: `${input.publisherId}:${before.email}`,
      before: { role: before.role },
      after: null,
    }),
  ]);
}

export function listStaff(ctx: AppContext, publisherId: string): Promise<PublisherStaffRow[]> {
  return ctx.db
    .select()
    .from(publisherStaff)
    .where(eq(publisherStaff.publisherId, publisherId))
    .orderBy(asc(publisherStaff.emailKey));
}

export function presentAdminUser(row: AdminUserRow) {
  return {
    email: row.email,
    role: row.role,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
  };
}

/** Gives an address the operator console with a role (or changes the role). */
export async function grantAdminUser({
  ctx,
  principal,
  input,
}: UseCase<
  { email: string; role: AdminRole },
  AuditPrincipal & { actor: { role: AdminRole } }
>): Promise<AdminUserRow> {
  if (principal.actor.role !== 'admin')
    throw new ApiError('forbidden', 'This admin is read-only (support role).');
  const { email, key } = checkedEmail(input.email);
  const [before] = await ctx.db.select().from(adminUsers).where(eq(adminUsers.emailKey, key));
  const row: AdminUserRow = {
    emailKey: key,
    email,
    role: input.role,
    createdBy: principal.actor.keyId,
    createdAt: before?.createdAt ?? wholeSeconds(ctx.now()),
  };
  await ctx.db.batch([
    ctx.db
      .insert(adminUsers)
      .values(row)
      .onConflictDoUpdate({ target: adminUsers.emailKey, set: { role: row.role } }),
    auditEntry(ctx, principal, {
      action: before ? 'admin_user.change_role' : 'admin_user.grant',
      targetType: 'admin_user',
      targetId: email,
      before: before ? { role: before.role } : null,
      after: { role: row.role },
    }),
  ]);
  return row;
}

/** Takes the operator console away from an address. An admin cannot remove their own access. */
export async function revokeAdminUser({
  ctx,
  principal,
  input,
}: UseCase<
  { email: string; self?: string | null },
  AuditPrincipal & { actor: { role: AdminRole } }
>): Promise<void> {
  if (principal.actor.role !== 'admin')
    throw new ApiError('forbidden', 'This admin is read-only (support role).');
  const key = emailKey(input.email.trim());
  if (input.self && input.self === key) {
    throw new ApiError('conflict', 'You cannot remove your own access; ask another admin.');
  }
  const [before] = await ctx.db.select().from(adminUsers).where(eq(adminUsers.emailKey, key));
  if (!before) throw new ApiError('not_found', 'This address has no operator access.');
  await ctx.db.batch([
    ctx.db.delete(adminUsers).where(eq(adminUsers.emailKey, key)),
    auditEntry(ctx, principal, {
      action: 'admin_user.revoke',
      targetType: 'admin_user',
      targetId: before.email,
      before: { role: before.role },
      after: null,
    }),
  ]);
}

export function listAdminUsers(ctx: AppContext): Promise<AdminUserRow[]> {
  return ctx.db.select().from(adminUsers).orderBy(asc(adminUsers.emailKey));
}
