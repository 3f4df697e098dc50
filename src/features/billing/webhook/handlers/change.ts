/** @module What an event handler decides: the membership it changes, its next state, links to Stripe, mail. */
import type { Membership } from '../../../../domain/membership';
import type { mailRow } from '../../../mail';
import type { Target } from '../subject';

export interface Change {
  /** The membership the event is about; null when it matches none (yet). */
  target: Target | null;
  /** The membership after the event; null when the event changes nothing of it. */
  next: Membership | null;
  /** Links to Stripe objects the membership row records beside the membership. */
  links?: {
    stripeCustomerId?: string | null;
    stripeSubscriptionId?: string | null;
    refundedThrough?: Date | null;
  };
  mails?: ReturnType<typeof mailRow>[];
}

/** An event that matches no membership, or changes nothing. */
export const NO_CHANGE: Change = { target: null, next: null };
