/**
 * @module Bringing members in from another system: one import row checked and turned into the
 * membership it stands for, and what to do with it given the account the address already has
 * (create, link, or skip with the reason) — the same rule for CSV rows and Stripe subscriptions.
 */
import { normalizeEmail } from './email';
import { type Membership, PLANS, type Plan } from './membership';

/** The statuses a row may carry; what a membership becomes is decided by `importedMembership`. */
export const IMPORT_STATUSES = ['active', 'trialing', 'past_due', 'canceled', 'comped'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export interface ImportRow {
  email: string;
  status: string;
  plan?: string | undefined;
  /** RFC 3339 or `YYYY-MM-DD` (00:00 UTC): the paid period's end, the trial's end, or the comp's end. */
  periodEnd?: string | undefined;
  stripeCustomer?: string | undefined;
  /** A Stripe subscription id (`sub_…`), when the row comes from Stripe. */
  stripeSubscription?: string | undefined;
}

export interface CheckedRow {
  email: string;
  emailKey: string;
  trialIdentity: string;
  membership: Membership;
  stripeCustomer: string | null;
  stripeSubscription: string | null;
}

export type RowCheck = { ok: true; row: CheckedRow } | { ok: false; reason: string };

function instant(value: string | undefined): Date | null {
  if (!value) return null;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** The membership a row stands for at `now`, or why the row cannot be imported. */
export function checkImportRow(row: ImportRow, now: Date, graceDays: number): RowCheck {
  const mailbox = normalizeEmail(row.email ?? '');
  if (!mailbox) return { ok: false, reason: 'email: not an address' };
  const status = row.status?.trim().toLowerCase();
  if (!(IMPORT_STATUSES as readonly string[]).includes(status ?? '')) {
    return { ok: false, reason: `status: must be one of ${IMPORT_STATUSES.join(', ')}` };
  }
  const planText = row.plan?.trim().toLowerCase() || undefined;
  if (planText !== undefined && !(PLANS as readonly string[]).includes(planText)) {
    return { ok: false, reason: `plan: must be ${PLANS.join(' or ')}` };
  }
  const plan = (planText as Plan | undefined) ?? null;
  const end = instant(row.periodEnd?.trim());
  if (row.periodEnd?.trim() && !end)
    return { ok: false, reason: 'period_end: not a date (YYYY-MM-DD or RFC 3339)' };
  const customer = row.stripeCustomer?.trim() || null;
  if (customer !== null && !/^cus_[A-Za-z0-9]{4,}$/.test(customer)) {
    return { ok: false, reason: 'stripe_customer: not a Stripe customer id (cus_…)' };
  }
  const base: Membership = {
    status: 'expired',
    plan: null,
    trialEndsAt: null,
    currentPeriodEnd: null,
    cancelAtPeriodEnd: false,
    graceUntil: null,
    compUntil: null,
    endedReason: null,
  };
  const needsEnd = (what: string): RowCheck => ({ ok: false, reason: `period_end: required for ${what}` });
  let membership: Membership;
  switch (status as ImportStatus) {
    case 'active':
    case 'past_due':
      if (!end) return needsEnd(status as string);
      if (!plan) return { ok: false, reason: `plan: required for ${status}` };
      if (!customer)
        return { ok: false, reason: `stripe_customer: required for ${status} (who charges them?)` };
      membership =
        status === 'active'
          ? { ...base, status: 'active', plan, currentPeriodEnd: end }
          : {
              ...base,
              status: 'past_due',
              plan,
              currentPeriodEnd: end,
              graceUntil: new Date(now.getTime() + graceDays * 86_400_000),
            };
      break;
    case 'trialing':
      if (!end) return needsEnd('trialing');
      if (end.getTime() <= now.getTime())
        return { ok: false, reason: 'period_end: the trial has already ended' };
      membership = { ...base, status: 'trialing', plan, trialEndsAt: end };
      break;
    case 'canceled':
      if (!end) return needsEnd('canceled (until when do they read?)');
      membership =
        end.getTime() > now.getTime()
          ? { ...base, status: 'canceled', plan, currentPeriodEnd: end, cancelAtPeriodEnd: true }
          : { ...base, plan, endedReason: 'canceled' };
      break;
    case 'comped':
      if (!end) return needsEnd('comped');
      if (end.getTime() <= now.getTime())
        return { ok: false, reason: 'period_end: the comp has already ended' };
      membership = { ...base, status: 'comped', compUntil: end };
      break;
  }
  return {
    ok: true,
    row: {
      email: mailbox.address,
      emailKey: mailbox.key,
      trialIdentity: mailbox.identity,
      membership,
      stripeCustomer: customer,
      stripeSubscription: row.stripeSubscription?.trim() || null,
    },
  };
}

/** What the store already holds for a row's address and customer. */
export interface Existing {
  /** The live account with this address (or another spelling of the same person's), if any. */
  reader: { id: string; stripeCustomerId: string | null; paying: boolean; comped: boolean } | null;
  /** The account that already has the row's Stripe customer, if any. */
  customerOwner: string | null;
}

export type ImportAction =
  | { action: 'create' }
  | { action: 'link'; readerId: string }
  | { action: 'skip'; reason: string; readerId: string | null };

/**
 * Create an account; link an existing one (it takes the imported membership and customer); or
 * skip, saying why. Re-running an import skips what it already did ("already imported"), so an
 * import is idempotent. An account that pays through Stripe already is never overwritten.
 */
export function decideImport(row: CheckedRow, existing: Existing): ImportAction {
  const { reader, customerOwner } = existing;
  if (customerOwner !== null && customerOwner !== reader?.id) {
    return {
      action: 'skip',
      reason: 'the Stripe customer belongs to another account',
      readerId: customerOwner,
    };
  }
  if (!reader) return { action: 'create' };
  if (row.stripeCustomer !== null && reader.stripeCustomerId === row.stripeCustomer) {
    return { action: 'skip', reason: 'already imported (same account and customer)', readerId: reader.id };
  }
  if (reader.stripeCustomerId !== null && row.stripeCustomer !== null) {
    return { action: 'skip', reason: 'the account has another Stripe customer', readerId: reader.id };
  }
  if (reader.paying)
    return { action: 'skip', reason: 'the account pays through Stripe already', readerId: reader.id };
  if (reader.comped && row.membership.status === 'comped') {
    return { action: 'skip', reason: 'already imported (the account is comped)', readerId: reader.id };
  }
  if (row.stripeCustomer === null && reader.stripeCustomerId === null && row.membership.status !== 'comped') {
    return {
      action: 'skip',
      reason: 'the account exists and the row links no customer',
      readerId: reader.id,
    };
  }
  return { action: 'link', readerId: reader.id };
}

/** What a Stripe subscription says, for `rowFromSubscription`. */
export interface SubscriptionFacts {
  id: string;
  customerId: string;
  /** The customer's address, if Stripe has one. */
  email: string | null;
  status: string;
  plan: Plan | null;
  currentPeriodEnd: Date | null;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/**
 * The import row of a Stripe subscription, or why it is not imported: only subscriptions that
 * entitle now (trialing, active, past due) on one of this service's prices, with an address.
 */
export function rowFromSubscription(sub: SubscriptionFacts): ImportRow | { skip: string } {
  if (!sub.email) return { skip: 'the Stripe customer has no email address' };
  if (!sub.plan) return { skip: 'its price is not one of this service’s plans' };
  const iso = (d: Date | null) => (d ? d.toISOString() : undefined);
  const common = {
    email: sub.email,
    plan: sub.plan,
    stripeCustomer: sub.customerId,
    stripeSubscription: sub.id,
  };
  switch (sub.status) {
    case 'trialing':
      return { ...common, status: 'trialing', periodEnd: iso(sub.trialEnd) };
    case 'active':
      return {
        ...common,
        status: sub.cancelAtPeriodEnd ? 'canceled' : 'active',
        periodEnd: iso(sub.currentPeriodEnd),
      };
    case 'past_due':
      return { ...common, status: 'past_due', periodEnd: iso(sub.currentPeriodEnd) };
    default:
      return { skip: `a ${sub.status} subscription entitles nobody` };
  }
}
