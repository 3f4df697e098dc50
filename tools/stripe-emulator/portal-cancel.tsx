/** @module The billing portal's cancellation flow page (`flow_data[type]=subscription_cancel`): a reason, the retention offer, the confirmation. */
import type { FC } from 'hono/jsx';
import type Stripe from 'stripe';
import { Layout } from './pages';

const REASON_TEXT: Record<string, string> = {
  too_expensive: 'It’s too expensive',
  missing_features: 'Some features are missing',
  switched_service: 'I’m switching to a different service',
  unused: 'I don’t use the service enough',
  customer_service: 'Customer service was less than expected',
  too_complex: 'Ease of use was less than expected',
  low_quality: 'Quality was less than expected',
  other: 'Other reason',
};

function offerText(coupon: Stripe.Coupon): string {
  const off =
    coupon.percent_off !== null ? `${coupon.percent_off}% off` : `${(coupon.amount_off ?? 0) / 100} off`;
  const how =
    coupon.duration === 'repeating'
      ? ` for ${coupon.duration_in_months} ${coupon.duration_in_months === 1 ? 'month' : 'months'}`
      : coupon.duration === 'once'
        ? ' your next invoice'
        : ' for as long as you stay';
  return `${off}${how}`;
}

export const CancelFlowPage: FC<{
  base: string;
  subscription: Stripe.Subscription;
  periodEnd: string;
  reasons: string[];
  offer: Stripe.Coupon | null;
}> = (p) => (
  <Layout title="Cancel your subscription">
    <h1>Cancel your subscription</h1>
    <p>If you cancel, your subscription stays active until {p.periodEnd}, and then ends.</p>
    {p.offer === null ? null : (
      <section class="panel" aria-labelledby="offer-heading">
        <h2 id="offer-heading">Before you go: {offerText(p.offer)}</h2>
        <p>
          Stay with us and your next {p.offer.duration === 'once' ? 'invoice is' : 'invoices are'} discounted.
        </p>
        <form method="post" action={`${p.base}/flow-accept-offer`}>
          <input type="hidden" name="subscription" value={p.subscription.id} />
          <button type="submit">Accept the offer</button>
        </form>
      </section>
    )}
    <form class="panel" method="post" action={`${p.base}/flow-cancel`}>
      <input type="hidden" name="subscription" value={p.subscription.id} />
      {p.reasons.length === 0 ? null : (
        <fieldset>
          <legend>Why are you cancelling? (optional)</legend>
          {p.reasons.map((r) => (
            <label>
              <input type="radio" name="reason" value={r} /> {REASON_TEXT[r] ?? r}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" class="danger">
        Cancel subscription
      </button>
    </form>
  </Layout>
);
