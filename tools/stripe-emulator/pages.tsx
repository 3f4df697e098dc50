/** @module HTML views (hono/jsx) of the hosted checkout page and the billing portal; plain forms, no JavaScript. */

import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import type Stripe from 'stripe';
import type { CardField, StoredCard } from './cards';
import { BillingAddressFields, needsAddress, TestCards } from './checkout-fields';

const STYLE = `
:root{color-scheme:light;--ink:#1a1f36;--muted:#4f566b;--line:#d5dbe1;--accent:#533afd;--bad:#b3093c;--ok:#0b6e4f}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f6f9fc}
.banner{background:#fff4d6;border-bottom:1px solid #f0d98c;padding:.5rem 1rem;text-align:center;font-size:.9rem}
main{max-width:44rem;margin:2rem auto;padding:0 1rem}
.panel{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.5rem;margin-bottom:1.25rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:0 0 .75rem}
.price{font-size:2rem;font-weight:650;margin:.25rem 0}.muted{color:var(--muted)}
label{display:block;font-weight:600;margin:.9rem 0 .3rem}
input{width:100%;padding:.6rem .7rem;border:1px solid #8792a2;border-radius:6px;font:inherit}
input[aria-invalid=true]{border-color:var(--bad);box-shadow:0 0 0 1px var(--bad)}
input:focus,button:focus,a:focus{outline:3px solid #a4b3ff;outline-offset:2px}
.row{display:grid;grid-template-columns:1fr 1fr;gap:0 1rem}
button{margin-top:1.25rem;padding:.7rem 1.2rem;border:0;border-radius:6px;background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#fff;color:var(--ink);border:1px solid #8792a2}
button.danger{background:#fff;color:var(--bad);border:1px solid var(--bad)}
.full{width:100%}
.alert{border:1px solid var(--bad);background:#fff0f3;color:var(--bad);border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem;font-weight:600}
.notice{border:1px solid var(--ok);background:#effaf5;color:var(--ok);border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0}dt{color:var(--muted)}dd{margin:0}
.actions{display:flex;flex-wrap:wrap;gap:.75rem}.actions form button{margin-top:.75rem}
details{margin-top:1rem}code{font-size:.95em}
`;

export function money(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / 100,
  );
}

export function day(unix: number): string {
  return new Date(unix * 1000).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function per(price: Stripe.Price): string {
  return `${money(price.unit_amount ?? 0, price.currency)} per ${price.recurring?.interval ?? 'month'}`;
}

export const Layout: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title} · Stripe emulator</title>
        <style>{raw(STYLE)}</style>
      </head>
      <body>
        <p class="banner" role="note">
          <strong>Local Stripe emulator</strong> (test mode). This is not Stripe; no real card is ever
          charged.
        </p>
        <main>{children}</main>
      </body>
    </html>
  </>
);

export interface CardValues {
  number: string;
  exp: string;
  cvc: string;
  name: string;
  /** The billing address, on a checkout that collects one (Stripe Tax). */
  country?: string;
  postal_code?: string;
}

export interface FormError {
  message: string;
  field: CardField | null;
}

const CardFields: FC<{ values: CardValues; error: FormError | null }> = ({ values, error }) => {
  const invalid = (field: CardField) => (error?.field === field ? 'true' : undefined);
  const describedBy = (field: CardField) => (error?.field === field ? 'form-error' : undefined);
  return (
    <>
      <label for="number">Card number</label>
      <input
        id="number"
        name="number"
        inputmode="numeric"
        autocomplete="cc-number"
        placeholder="4242 4242 4242 4242"
        required
        value={values.number}
        aria-invalid={invalid('number')}
        aria-describedby={describedBy('number')}
      />
      <div class="row">
        <div>
          <label for="exp">Expiry date (MM / YY)</label>
          <input
            id="exp"
            name="exp"
            autocomplete="cc-exp"
            placeholder="12 / 34"
            required
            value={values.exp}
            aria-invalid={invalid('exp')}
            aria-describedby={describedBy('exp')}
          />
        </div>
        <div>
          <label for="cvc">Security code (CVC)</label>
          <input
            id="cvc"
            name="cvc"
            inputmode="numeric"
            autocomplete="cc-csc"
            placeholder="123"
            required
            value={values.cvc}
            aria-invalid={invalid('cvc')}
            aria-describedby={describedBy('cvc')}
          />
        </div>
      </div>
      <label for="name">Name on card</label>
      <input
        id="name"
        name="name"
        autocomplete="cc-name"
        required
        value={values.name}
        aria-invalid={invalid('name')}
        aria-describedby={describedBy('name')}
      />
    </>
  );
};

const Alert: FC<{ error: FormError | null }> = ({ error }) =>
  error === null ? null : (
    <div class="alert" role="alert" id="form-error">
      {error.message}
    </div>
  );

export interface CheckoutView {
  session: Stripe.Checkout.Session;
  price: Stripe.Price;
  product: Stripe.Product | undefined;
  quantity: number;
  trialEnd: number | null;
  values: CardValues;
  error: FormError | null;
}

export const CheckoutPage: FC<CheckoutView> = ({
  session,
  price,
  product,
  quantity,
  trialEnd,
  values,
  error,
}) => {
  const oneTime = price.type === 'one_time';
  const name = oneTime
    ? (product?.name ?? 'Payment')
    : `${product?.name ?? 'Subscription'} (${price.nickname ?? price.recurring?.interval ?? ''})`;
  // The session's own figures: a currency option's amount, in its currency.
  const currency = session.currency ?? price.currency;
  const total =
    trialEnd === null && session.amount_total !== null
      ? session.amount_total
      : (price.unit_amount ?? 0) * quantity;
  if (session.status !== 'open') {
    return (
      <Layout title="Checkout">
        <section class="panel">
          <h1>{session.status === 'complete' ? 'This checkout is complete' : 'This checkout has expired'}</h1>
          <p>
            {session.status === 'complete'
              ? 'The subscription was created. You can close this page.'
              : 'Start again from the site you came from.'}
          </p>
          {session.cancel_url === null ? null : <a href={session.cancel_url}>Back</a>}
        </section>
      </Layout>
    );
  }
  return (
    <Layout title={oneTime ? `Pay for ${name}` : `Subscribe to ${name}`}>
      {session.cancel_url === null ? null : (
        <p>
          <a href={session.cancel_url}>← Back</a>
        </p>
      )}
      <section class="panel" aria-labelledby="summary">
        <h1 id="summary">{oneTime ? `Pay for ${name}` : `Subscribe to ${name}`}</h1>
        <p class="price">
          {oneTime || trialEnd === null
            ? `${money(total / quantity, currency)}${oneTime ? '' : ` per ${price.recurring?.interval ?? 'month'}`}`
            : per(price)}
        </p>
        {quantity > 1 ? <p class="muted">Quantity: {quantity}</p> : null}
        {trialEnd === null ? (
          <p>Due today: {money(total, currency)}</p>
        ) : (
          <p>
            Free trial until <strong>{day(trialEnd)}</strong> (UTC), then {money(total, price.currency)} per{' '}
            {price.recurring?.interval}. Due today: {money(0, price.currency)}.
          </p>
        )}
        {session.customer_email === null ? null : <p class="muted">For {session.customer_email}</p>}
      </section>
      <section class="panel" aria-labelledby="pay">
        <h2 id="pay">Pay with card</h2>
        <Alert error={error} />
        <form method="post" action={`/checkout/${session.id}`}>
          <CardFields values={values} error={error} />
          {needsAddress(session) ? <BillingAddressFields values={values} error={error} /> : null}
          <button type="submit" class="full">
            {oneTime
              ? `Pay ${money(total, currency)}`
              : trialEnd === null
                ? `Pay ${money(total, currency)} and subscribe`
                : 'Start trial'}
          </button>
        </form>
        <TestCards />
      </section>
    </Layout>
  );
};

export interface PortalSubscription {
  subscription: Stripe.Subscription;
  openInvoice: Stripe.Invoice | null;
}

export interface PortalView {
  session: Stripe.BillingPortal.Session;
  customer: Stripe.Customer;
  card: StoredCard | null;
  subscriptions: PortalSubscription[];
  notice: string | null;
  error: FormError | null;
  values: CardValues;
}

function statusLine(sub: Stripe.Subscription): string {
  const item = sub.items.data[0];
  const end = item?.current_period_end ?? 0;
  if (sub.status === 'canceled') return `Ended on ${day(sub.ended_at ?? end)}.`;
  if (sub.cancel_at !== null) return `Cancels on ${day(sub.cancel_at)}; you keep access until then.`;
  if (sub.status === 'trialing' && sub.trial_end !== null) return `Free trial until ${day(sub.trial_end)}.`;
  if (sub.status === 'past_due')
    return 'Your last payment failed. Update your card and pay the open invoice.';
  if (sub.status === 'paused') return 'Paused.';
  return `Renews on ${day(end)}.`;
}

const Action: FC<{ action: string; label: string; kind?: string; subscription: string }> = (props) => (
  <form method="post" action={props.action}>
    <input type="hidden" name="subscription" value={props.subscription} />
    <button type="submit" class={props.kind ?? 'secondary'}>
      {props.label}
    </button>
  </form>
);

export const PortalPage: FC<PortalView> = ({
  session,
  customer,
  card,
  subscriptions,
  notice,
  error,
  values,
}) => {
  const base = `/portal/${session.id}`;
  return (
    <Layout title="Billing">
      {session.return_url === null ? null : (
        <p>
          <a href={session.return_url}>← Return to the site</a>
        </p>
      )}
      <h1>Billing</h1>
      <p class="muted">{customer.email ?? customer.id}</p>
      {notice === null ? null : (
        <div class="notice" role="status">
          {notice}
        </div>
      )}
      <Alert error={error} />
      {subscriptions.length === 0 ? (
        <section class="panel">
          <p>No subscriptions.</p>
        </section>
      ) : null}
      {subscriptions.map(({ subscription: sub, openInvoice }) => {
        const item = sub.items.data[0];
        const live = sub.status !== 'canceled' && sub.status !== 'incomplete_expired';
        return (
          <section class="panel" aria-label={`Subscription ${sub.id}`}>
            <h2>{item?.price.nickname ?? 'Subscription'} membership</h2>
            <dl>
              <dt>Price</dt>
              <dd>{item === undefined ? '' : per(item.price)}</dd>
              <dt>Status</dt>
              <dd>{sub.status}</dd>
              <dt>Details</dt>
              <dd>{statusLine(sub)}</dd>
            </dl>
            {live ? (
              <div class="actions">
                {sub.cancel_at_period_end ? (
                  <Action
                    action={`${base}/resume`}
                    label="Don't cancel (resume)"
                    kind=""
                    subscription={sub.id}
                  />
                ) : (
                  <Action
                    action={`${base}/cancel-at-period-end`}
                    label="Cancel at period end"
                    subscription={sub.id}
                  />
                )}
                <Action
                  action={`${base}/cancel-now`}
                  label="Cancel now"
                  kind="danger"
                  subscription={sub.id}
                />
                {openInvoice === null ? null : (
                  <Action
                    action={`${base}/pay`}
                    label={`Pay ${money(openInvoice.amount_remaining, openInvoice.currency)} now`}
                    kind=""
                    subscription={sub.id}
                  />
                )}
              </div>
            ) : null}
          </section>
        );
      })}
      <section class="panel" aria-labelledby="card-heading">
        <h2 id="card-heading">Payment method</h2>
        <p>
          {card === null
            ? 'No card on file.'
            : `Visa ending in ${card.last4}, expires ${String(card.expMonth).padStart(2, '0')}/${card.expYear}.`}
        </p>
        <form method="post" action={`${base}/card`}>
          <CardFields values={values} error={error} />
          <button type="submit">Replace card</button>
        </form>
        <TestCards />
      </section>
    </Layout>
  );
};
