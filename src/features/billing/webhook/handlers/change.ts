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
  /**
   * What an event that matched no membership is about: the Stripe customer and subscription that,
   * once a membership is linked to one of them, make it match. An unmatched event with a subject is
   * kept and applied again then; one without is recorded `unmatched` for good.
   */
  subject?: { customerId: string | null; subscriptionId: string | null };
}

/** An event that matches no membership and never will, or changes nothing. */
export const NO_CHANGE: Change = { target: null, next: null };

/** An event that matches no membership yet: kept until one is linked to its customer or subscription. */
export function notYet(
  customerId: string | null | undefined,
  subscriptionId: string | null | undefined,
): Change {
  return {
    target: null,
    next: null,
    subject: { customerId: customerId ?? null, subscriptionId: subscriptionId ?? null },
  };
}
