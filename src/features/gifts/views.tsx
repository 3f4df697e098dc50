/** @module The gift pages' views: buying (months, recipient, message), the buyer's link, a link to redeem. */
import type { FC } from 'hono/jsx';
import { formatAmount } from '../../domain/currency';
import { ErrorSummary, Field, type FormErrors, FormState, Layout } from '../pages';
import type { GiftView } from './buy';

export interface GiftOption {
  months: 1 | 3 | 12;
  display: string;
}

const MONTHS_TEXT = { 1: '1 month', 3: '3 months', 12: '12 months' } as const;

export const GiftBuyView: FC<{
  csrf: string;
  options: GiftOption[];
  currency: string | null;
  values: Record<string, string>;
  errors?: FormErrors | undefined;
  /** The gifts the reader bought, newest first. */
  bought: GiftView[];
}> = (p) => (
  <Layout title="Give OnePass" signedIn hasErrors={!!p.errors} narrow>
    <h1>Give OnePass</h1>
    <p class="lead">Full articles on every member site, for someone you choose. Pay once: nothing renews.</p>
    <ErrorSummary errors={p.errors} order={['months-1', 'recipient_email', 'recipient_name', 'message']} />
    <form class="card" method="post" action="/gift">
      <FormState csrf={p.csrf} />
      {p.currency ? <input type="hidden" name="currency" value={p.currency} /> : null}
      <fieldset>
        <legend>How long</legend>
        {p.errors?.['months-1'] ? <p class="field-error">{p.errors['months-1']}</p> : null}
        {p.options.map((o) => (
          <label class="plan" for={`months-${o.months}`}>
            <input
              type="radio"
              id={`months-${o.months}`}
              name="months"
              value={String(o.months)}
              checked={(p.values.months ?? '3') === String(o.months)}
            />
            <span>
              <strong>{MONTHS_TEXT[o.months]}</strong>
              <span class="price" data-gift-price={o.months}>
                {o.display}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <Field
        id="recipient_email"
        label="Their email address"
        type="email"
        autocomplete="off"
        value={p.values.recipient_email}
        error={p.errors?.recipient_email}
        hint="We mail them the link to redeem it; you get the same link."
      />
      <Field
        id="recipient_name"
        label="Their name (optional)"
        type="text"
        autocomplete="off"
        value={p.values.recipient_name}
        error={p.errors?.recipient_name}
      />
      <Field
        id="message"
        label="A message (optional)"
        type="text"
        autocomplete="off"
        value={p.values.message}
        error={p.errors?.message}
      />
      <button class="btn block" type="submit">
        Continue to payment
      </button>
    </form>
    {p.bought.length > 0 ? <GiftsGiven gifts={p.bought} /> : null}
  </Layout>
);

const STATUS_TEXT = {
  pending: 'Waiting for the payment',
  paid: 'Not redeemed yet',
  redeemed: 'Redeemed',
  void: 'Refunded: the link no longer works',
} as const;

/** The gifts a reader gave: to whom, how long, what became of each, and the link while it works. */
const GiftsGiven: FC<{ gifts: GiftView[] }> = ({ gifts }) => (
  <section class="card" aria-labelledby="given-title">
    <h2 id="given-title">Gifts you gave</h2>
    <ul class="gifts-given">
      {gifts.map((g) => (
        <li>
          <strong>{MONTHS_TEXT[g.months as 1 | 3 | 12] ?? `${g.months} months`}</strong> for{' '}
          {g.recipientEmail}
          {', '}
          {formatAmount(g.amount, g.currency)}, {g.createdAt.toISOString().slice(0, 10)}:{' '}
          <span data-gift-status={g.status}>{STATUS_TEXT[g.status]}</span>
          {g.redeemUrl ? (
            <>
              {' '}
              (<a href={g.redeemUrl}>link to redeem it</a>)
            </>
          ) : null}
        </li>
      ))}
    </ul>
  </section>
);

export const GiftThanksView: FC<{ link: string | null; months: number; to: string }> = (p) => (
  <Layout title="Thank you" signedIn narrow>
    <h1>Thank you for your gift</h1>
    {p.link ? (
      <>
        <p class="lead">
          We have mailed {p.to} the link to redeem {p.months} {p.months === 1 ? 'month' : 'months'} of
          OnePass.
        </p>
        <p>Here is the same link, to pass on yourself if you prefer:</p>
        <p>
          <a id="gift-link" href={p.link}>
            {p.link}
          </a>
        </p>
      </>
    ) : (
      <p class="lead" role="status">
        Your payment is being confirmed. The link appears here, and in a mail to you, in a moment.
      </p>
    )}
    <p>
      <a href="/account">Your account</a>
    </p>
  </Layout>
);

export const GiftRedeemView: FC<{
  months: number;
  from: string;
  message: string | null;
  status: string;
  csrf: string | null;
  action: string;
  signInHref: string;
  signUpHref: string;
  error?: string | undefined;
}> = (p) => (
  <Layout title="A gift for you" signedIn={p.csrf !== null} narrow hasErrors={p.error !== undefined}>
    <h1>
      {p.months} {p.months === 1 ? 'month' : 'months'} of OnePass, from {p.from}
    </h1>
    {p.message ? <blockquote>{p.message}</blockquote> : null}
    {p.error ? (
      <div class="summary" role="alert">
        {p.error}
      </div>
    ) : null}
    {p.status === 'redeemed' ? (
      <p class="lead">This gift has already been redeemed.</p>
    ) : p.status === 'void' ? (
      <p class="lead">This gift was refunded and can no longer be redeemed.</p>
    ) : p.status === 'pending' ? (
      <p class="lead">This gift is not paid yet. Try the link again in a moment.</p>
    ) : p.csrf ? (
      <form class="card" method="post" action={p.action}>
        <FormState csrf={p.csrf} />
        <p>Full articles on every member site, from now (or when what you have ends).</p>
        <button class="btn block" type="submit">
          Redeem the gift
        </button>
      </form>
    ) : (
      <div class="actions">
        <a class="btn" href={p.signUpHref}>
          Create an account to redeem it
        </a>
        <a href={p.signInHref}>I have an account: sign in</a>
      </div>
    )}
  </Layout>
);
