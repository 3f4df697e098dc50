/** @module A publisher's staff as both consoles show it: the table (with Remove for those who may) and the invitation form. */
import type { FC } from 'hono/jsx';
import { type PublisherStaffRow, STAFF_ROLES, type StaffRole } from '../../db/schema';
import { Input, PostButton, Select, when } from './frame';

/** A posted role, or `viewer` (the one that can change nothing) for anything else. */
export function staffRoleOf(value: string | undefined): StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value ?? '') ? (value as StaffRole) : 'viewer';
}

export const StaffTable: FC<{
  staff: readonly PublisherStaffRow[];
  /** The third column: when they were invited (the publisher's view) or by whom (the operator's). */
  column: 'since' | 'invited_by';
  /** Where a Remove button posts, with its form's token; none: no Remove column. */
  remove?: { action: string; csrf: string } | undefined;
}> = ({ staff, column, remove }) => (
  <table>
    <thead>
      <tr>
        <th scope="col">Address</th>
        <th scope="col">Role</th>
        <th scope="col">{column === 'since' ? 'Since' : 'Invited by'}</th>
        {remove ? <th scope="col">Remove</th> : null}
      </tr>
    </thead>
    <tbody>
      {staff.map((m) => (
        <tr>
          <td>{m.email}</td>
          <td>{m.role}</td>
          <td>{column === 'since' ? when(m.createdAt) : <code>{m.invitedBy}</code>}</td>
          {remove ? (
            <td>
              <PostButton
                action={remove.action}
                csrf={remove.csrf}
                label="Remove"
                danger
                fields={{ email: m.email }}
              />
            </td>
          ) : null}
        </tr>
      ))}
    </tbody>
  </table>
);

export const InviteForm: FC<{ action: string; csrf: string; defaultRole: StaffRole }> = ({
  action,
  csrf,
  defaultRole,
}) => (
  <form method="post" action={action} class="card inline">
    <input type="hidden" name="csrf" value={csrf} />
    <Input id="email" label="Invite by address" type="email" required />
    <Select id="role" label="Role" options={STAFF_ROLES} value={defaultRole} />
    <button class="btn" type="submit">
      Invite
    </button>
  </form>
);
