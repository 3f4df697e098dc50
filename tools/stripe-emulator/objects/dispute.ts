/** @module `Stripe.Dispute` as a card payment's chargeback opens one (Stripe's test card 0259: fraudulent). */

import type Stripe from 'stripe';
import { DAY } from '../constants';

const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
] as const;

/** The text evidence fields a dispute update accepts (files are ids, as text here). */
export const EVIDENCE_KEYS: ReadonlySet<string> = new Set(EVIDENCE_FIELDS);

function emptyEvidence(): Stripe.Dispute.Evidence {
  const evidence = Object.fromEntries(
    EVIDENCE_FIELDS.map((k) => [k, null]),
  ) as unknown as Stripe.Dispute.Evidence;
  evidence.enhanced_evidence = {};
  return evidence;
}

export function buildDispute(id: string, charge: Stripe.Charge, now: number): Stripe.Dispute {
  const dispute: Stripe.Dispute = {
    id,
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: now + 7 * DAY,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    reason: 'fraudulent',
    status: 'needs_response',
  };
  return dispute;
}
