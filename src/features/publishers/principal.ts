/** @module Who acts for a publisher: an API key, or a staff member signed in to the console. */
import type { StaffRole } from '../../db/schema';

export interface PublisherPrincipal {
  publisherId: string;
  actor: {
    /** The API key (`pkk_…`) or the staff member's reader id (`rdr_…`): what the audit log records. */
    keyId: string;
    /** An API key acts as `owner`; a `viewer` may read and change nothing. */
    role: StaffRole;
  };
  requestId: string;
}
