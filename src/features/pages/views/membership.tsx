/** @module Account, subscribe and checkout-return pages, and the membership in words. */
import type { Child, FC } from 'hono/jsx';
import { effectiveMembership, type Membership, type Plan } from '../../../domain/membership';
import type { FromContext } from './auth';
import { ErrorSummary, type FormErrors, FormState, hasErrors } from './form';
import { FromPublisher, Layout } from './layout';

const DAY_MS = 86_400_000;

export function formatDay(date: Date): string {
  const day = date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `${day} (UTC)`;
}

export interface MembershipSummary {
  headline: string;
  rows: Array<[string, string]>;
  advice: string | null;
}

/** A seat on someone else's subscription, as its member is told: theirs to read, the owner's to pay. */
export function describeSeat(): MembershipSummary {
  return {
    headline: 'Shared membership',
    rows: [['Through', 'A seat on another reader’s subscription']],
    advice: 'Full articles for as long as their subscription runs. See Seats to leave it.',
  };
}

/** The membership as a reader would say it: what they have, until when, what to do. */
export function describeMembership(stored: Membership | null, now: Date): MembershipSummary {
  if (stored === null) return { headline: 'No membership', rows: [], advice: 'Subscribe to start reading.' };
  const m = effectiveMembership(stored, now);
  const plan = m.plan === null ? '' : `, ${m.plan} plan`;
  switch (m.status) {
    case 'trialing': {
      const end = m.trialEndsAt ?? now;
      const left = Math.max(0, Math.ceil((end.getTime() - now.getTime()) / DAY_MS));
      return {
        headline: 'Free trial',
        rows: [
          ['Days left', `${left} ${left === 1 ? 'day' : 'days'}`],
          ['Trial ends', formatDay(end)],
        ],
        advice: 'Subscribe before the trial ends to keep reading without a break.',
      };
    }
    case 'active':
      return {
        headline: `Member${plan}`,
        rows: m.currentPeriodEnd ? [['Renews', formatDay(m.currentPeriodEnd)]] : [],
        advice: null,
      };
    case 'canceled':
      return {
        headline: `Membership ending${plan}`,
        rows: m.currentPeriodEnd ? [['Access until', formatDay(m.currentPeriodEnd)]] : [],
        advice: 'Your subscription will not renew. You can resume it in billing.',
      };
    case 'past_due':
      return {
        headline: 'Payment failed',
        rows: m.graceUntil ? [['Access until', formatDay(m.graceUntil)]] : [],
        advice: 'Update your payment method in billing to keep reading.',
      };
    case 'comped':
      return {
        headline: m.gift ? 'Gift membership' : 'Complimentary membership',
        rows: m.compUntil ? [['Until', formatDay(m.compUntil)]] : [],
        advice: null,
      };
    case 'expired':
      return {
        headline:
          m.endedReason === 'trial_expired'
            ? 'Free trial ended'
            : m.endedReason === 'payment_failed'
              ? 'Membership ended after a failed payment'
              : 'Membership ended',
        rows: [],
        advice: 'Subscribe to keep reading.',
      };
  }
}

export interface AccountViewProps {
  email: string;
  summary: MembershipSummary;
  logoutCsrf: string;
  /** Present when the reader has a billing account to manage. */
  portalCsrf: string | null;
  /** The subscription can still be cancelled: the portal's cancellation flow is offered. */
  canCancel: boolean;
  canSubscribe: boolean;
  notice?: string | undefined;
  error?: string | undefined;
  /** More sections of the account (devices, password), below the membership. */
  children?: Child;
}

export const AccountView: FC<AccountViewProps> = (p) => (
  <Layout title="Your account" signedIn hasErrors={p.error !== undefined}>
    <h1>Your account</h1>
    {p.notice ? (
      <div class="notice" role="status">
        {p.notice}
      </div>
    ) : null}
    {p.error ? (
      <div class="summary" role="alert">
        {p.error}
      </div>
    ) : null}
    <section class="card" aria-labelledby="membership-title">
      <h2 id="membership-title">Membership</h2>
      <dl class="status">
        <dt>Status</dt>
        <dd>{p.summary.headline}</dd>
        {p.summary.rows.map(([term, value]) => (
          <>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </>
        ))}
      </dl>
      {p.summary.advice ? <p>{p.summary.advice}</p> : null}
      <div class="actions">
        {p.canSubscribe ? (
          <a class="btn" href="/subscribe">
            Subscribe
          </a>
        ) : null}
        <a class="btn secondary" href="/gift">
          Give OnePass
        </a>
        <a class="btn secondary" href="/account/seats">
          Seats
        </a>
        {p.portalCsrf ? (
          <form method="post" action="/account/billing-portal">
            <FormState csrf={p.portalCsrf} />
            <button class="btn secondary" type="submit">
              Manage billing
            </button>
          </form>
        ) : null}
        {p.portalCsrf && p.canCancel ? (
          <form method="post" action="/account/billing-portal">
            <FormState csrf={p.portalCsrf} />
            <input type="hidden" name="flow" value="cancel" />
            <button class="btn secondary" type="submit">
              Cancel subscription
            </button>
          </form>
        ) : null}
      </div>
    </section>
    <section class="card" aria-labelledby="session-title">
      <h2 id="session-title">Signed in</h2>
      <p>
        You are signed in as <strong>{p.email}</strong>.
      </p>
      <form method="post" action="/logout">
        <FormState csrf={p.logoutCsrf} />
        <button class="btn secondary" type="submit">
          Sign out
        </button>
      </form>
    </section>
    {p.children}
  </Layout>
);

export interface SubscribeViewProps {
  csrf: string;
  next: string | null;
  from: FromContext | null;
  /** Why the reader is asked to subscribe (e.g. the trial has ended), when there is a reason. */
  reason: string | null;
  /** The trial waits for the address to be confirmed: the page links to where that is done. */
  confirmAddress?: boolean | undefined;
  /** What the trial means for the first charge, when the reader is on one. */
  trialNote: string | null;
  plan: Plan;
  /** The plans' prices in the reader's currency; null when Stripe could not be asked. */
  prices?: SubscribePrices | null | undefined;
  errors?: FormErrors | undefined;
}

export interface SubscribePrices {
  currency: string;
  plans: Partial<Record<Plan, { display: string; tax: 'plus_tax' | 'tax_included' | null }>>;
  promotionCodes: boolean;
}

const PER: Record<Plan, string> = { monthly: 'month', annual: 'year' };
const TAX_TEXT = { plus_tax: 'plus tax', tax_included: 'tax included' } as const;

const PlanPriceText: FC<{ prices: SubscribePrices | null | undefined; plan: Plan }> = ({ prices, plan }) => {
  const price = prices?.plans[plan];
  if (!price) return null;
  return (
    <span class="price" data-plan-price={plan}>
      {price.display} / {PER[plan]}
      {price.tax ? ` ${TAX_TEXT[price.tax]}` : ''}
    </span>
  );
};

const PLAN_TEXT: Record<Plan, { name: string; detail: string }> = {
  monthly: { name: 'Monthly', detail: 'Billed every month. Cancel any time.' },
  annual: { name: 'Annual', detail: 'Billed once a year. Cancel any time.' },
};

export const SubscribeView: FC<SubscribeViewProps> = (p) => (
  <Layout title="Subscribe" signedIn hasErrors={hasErrors(p.errors)} narrow>
    {p.from ? (
      <FromPublisher name={p.from.name}>
        Subscribe to read its full articles, and every member site's.
      </FromPublisher>
    ) : null}
    <h1>Subscribe to OnePass</h1>
    {p.reason ? <p class="lead">{p.reason}</p> : <p class="lead">One membership for all your news.</p>}
    {p.confirmAddress ? (
      <p>
        <a class="btn" href="/account#address-title">
          Confirm your address
        </a>{' '}
        to go on with the free trial, or choose a plan below.
      </p>
    ) : null}
    <ErrorSummary errors={p.errors} order={['plan-monthly']} />
    <form class="card" method="post" action="/subscribe">
      <FormState csrf={p.csrf} next={p.next} />
      {p.prices ? <input type="hidden" name="currency" value={p.prices.currency} /> : null}
      <fieldset aria-describedby={p.errors?.['plan-monthly'] ? 'plan-error' : undefined}>
        <legend>Choose a plan</legend>
        {p.errors?.['plan-monthly'] ? (
          <p class="field-error" id="plan-error">
            {p.errors['plan-monthly']}
          </p>
        ) : null}
        {(['monthly', 'annual'] as const).map((plan) => (
          <label class="plan" for={`plan-${plan}`}>
            <input type="radio" id={`plan-${plan}`} name="plan" value={plan} checked={p.plan === plan} />
            <span>
              <strong>{PLAN_TEXT[plan].name}</strong>
              <PlanPriceText prices={p.prices} plan={plan} />
              {PLAN_TEXT[plan].detail}
            </span>
          </label>
        ))}
      </fieldset>
      {p.trialNote ? <p class="below">{p.trialNote}</p> : null}
      <button class="btn block" type="submit">
        Continue to payment
      </button>
      {p.prices?.promotionCodes ? (
        <p class="below" id="promotion-codes">
          Have a promotion code? Enter it on the payment page.
        </p>
      ) : null}
      <p class="below muted">
        {p.prices
          ? "You pay on Stripe's secure payment page, which shows the total before you confirm."
          : "You will see the price and pay on Stripe's secure payment page."}
      </p>
    </form>
  </Layout>
);

/** For a reader who already pays: nothing to buy, somewhere to go. */
export const AlreadyMemberView: FC<{ summary: MembershipSummary; continueHref: string | null }> = ({
  summary,
  continueHref,
}) => (
  <Layout title="Subscribe" signedIn narrow>
    <h1>You are already a member</h1>
    <p class="lead">{summary.headline}.</p>
    <div class="actions">
      {continueHref ? (
        <a class="btn" href={continueHref}>
          Continue reading
        </a>
      ) : null}
      <a href="/account">Your account</a>
    </div>
  </Layout>
);

export const CheckoutSuccessView: FC<{ active: boolean; continueHref: string; continueLabel: string }> = ({
  active,
  continueHref,
  continueLabel,
}) => (
  <Layout title="Thank you" signedIn narrow>
    <h1>Thank you for subscribing</h1>
    <div class="notice" role="status">
      {active
        ? 'Your membership is active.'
        : 'Your payment went through. Your membership will be active in a moment.'}
    </div>
    {active ? null : <p>If a page still asks you to subscribe, wait a few seconds and open it again.</p>}
    <a class="btn" href={continueHref}>
      {continueLabel}
    </a>
  </Layout>
);

export const CheckoutCancelView: FC<{ subscribeHref: string; backHref: string; backLabel: string }> = ({
  subscribeHref,
  backHref,
  backLabel,
}) => (
  <Layout title="Checkout canceled" signedIn narrow>
    <h1>Checkout canceled</h1>
    <p class="lead">Nothing was charged and nothing changed.</p>
    <div class="actions">
      <a class="btn" href={subscribeHref}>
        Choose a plan again
      </a>
      <a href={backHref}>{backLabel}</a>
    </div>
  </Layout>
);
