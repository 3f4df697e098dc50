/** @module The emulator's in-memory state: Stripe objects plus the private facts Stripe keeps beside them. */

import type Stripe from 'stripe';
import type { StoredCard } from './cards';
import { buildCurrencyOptions, buildPrices, buildProduct } from './objects/catalog';
import { buildDefaultPortalConfiguration } from './objects/portal';

export interface CustomerRecord {
  customer: Stripe.Customer;
  deleted: boolean;
  /** The card charges use: the last one attached through Checkout, the portal or a control. */
  card: StoredCard | null;
}

export interface SubscriptionRecord {
  subscription: Stripe.Subscription;
  trialWillEndSent: boolean;
  /** Set by the `fail-next-charge` control; consumed by the next charge attempt. */
  failNextCharge: boolean;
  /** When the payment that made it `past_due` failed; drives the automatic cancellation. */
  pastDueSince: number | null;
  /** Whole billing periods since the anchor, so that month lengths do not drift the day of month. */
  periodsSinceAnchor: number;
  /** A coupon applied to the subscription (a portal retention offer): what its invoices take off. */
  discount?: AppliedDiscount;
  /** An update waiting for its invoice to be paid (`payment_behavior=pending_if_incomplete`). */
  pending?: PendingChange;
}

/** The subscription as a pending update would leave it, once the invoice it made is paid. */
export interface PendingChange {
  invoiceId: string;
  subscription: Stripe.Subscription;
  periodsSinceAnchor: number;
  discount?: AppliedDiscount | undefined;
}

export interface AppliedDiscount {
  id: string;
  coupon: Stripe.Coupon;
  start: number;
  /** When a `repeating` coupon stops applying; null for `once` (one invoice) and `forever`. */
  end: number | null;
  /** Invoices it still applies to: 1 for `once`, null otherwise. */
  invoicesLeft: number | null;
}

export interface InvoiceRecord {
  invoice: Stripe.Invoice;
  subscriptionId: string | null;
  /** One payment intent per invoice, reused by every attempt as Stripe does. */
  paymentIntent: string;
}

export interface CheckoutRecord {
  session: Stripe.Checkout.Session;
  priceId: string;
  quantity: number;
  trialEnd: number | null;
  subscriptionMetadata: Record<string, string>;
  /** `payment_intent_data[metadata]` of a payment-mode session: what its charge carries. */
  paymentIntentMetadata?: Record<string, string>;
  /**
   * The subscription a failed first payment on this session left `incomplete`: a new attempt on
   * the session pays its open invoice rather than starting another.
   */
  incompleteSubscription?: string;
  /** `payment_method_collection`: `if_required` lets a trial start without a card. */
  paymentMethodCollection?: 'always' | 'if_required';
  /** `subscription_data[trial_settings][end_behavior][missing_payment_method]`. */
  missingPaymentMethod?: 'cancel' | 'create_invoice' | 'pause';
}

export interface IdempotentResult {
  method: string;
  path: string;
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
}

export interface State {
  /** Emulator clock, unix seconds. */
  now: number;
  products: Map<string, Stripe.Product>;
  prices: Map<string, Stripe.Price>;
  customers: Map<string, CustomerRecord>;
  subscriptions: Map<string, SubscriptionRecord>;
  invoices: Map<string, InvoiceRecord>;
  charges: Map<string, Stripe.Charge>;
  refunds: Map<string, Stripe.Refund>;
  checkoutSessions: Map<string, CheckoutRecord>;
  portalSessions: Map<string, Stripe.BillingPortal.Session>;
  /** A price's `currency_options` (its own currency included): includable, so kept beside the price. */
  currencyOptions: Map<string, Record<string, Stripe.Price.CurrencyOptions>>;
  coupons: Map<string, Stripe.Coupon>;
  portalConfigurations: Map<string, Stripe.BillingPortal.Configuration>;
  /** Endpoints made through `/v1/webhook_endpoints` (delivery itself follows the emulator's own list). */
  webhookEndpoints: Map<string, Stripe.WebhookEndpoint>;
  disputes: Map<string, Stripe.Dispute>;
  testClocks: Map<string, Stripe.TestHelpers.TestClock>;
  /** Oldest first; the list endpoint reverses. */
  events: Stripe.Event[];
  eventsById: Map<string, Stripe.Event>;
  idempotency: Map<string, IdempotentResult>;
  invoiceSequence: number;
}

export function createState(now: number): State {
  const product = buildProduct(now);
  return {
    now,
    products: new Map([[product.id, product]]),
    prices: new Map(buildPrices(now).map((p) => [p.id, p])),
    customers: new Map(),
    subscriptions: new Map(),
    invoices: new Map(),
    charges: new Map(),
    refunds: new Map(),
    checkoutSessions: new Map(),
    portalSessions: new Map(),
    currencyOptions: buildCurrencyOptions(),
    coupons: new Map(),
    portalConfigurations: new Map([
      [buildDefaultPortalConfiguration(now).id, buildDefaultPortalConfiguration(now)],
    ]),
    webhookEndpoints: new Map(),
    disputes: new Map(),
    testClocks: new Map(),
    events: [],
    eventsById: new Map(),
    idempotency: new Map(),
    invoiceSequence: 0,
  };
}

/** A deep copy as it would cross the wire (Decimal values become strings): the shape events carry. */
export function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function firstItem(subscription: Stripe.Subscription): Stripe.SubscriptionItem {
  const item = subscription.items.data[0];
  if (item === undefined) throw new Error(`subscription ${subscription.id} has no items`);
  return item;
}

export function customerId(value: string | { id: string } | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value : value.id;
}
