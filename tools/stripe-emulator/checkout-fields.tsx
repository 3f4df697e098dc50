/** @module Parts of the hosted checkout form outside the card itself: the billing address Stripe Tax needs, and the test-card list. */

import type { FC } from 'hono/jsx';
import type Stripe from 'stripe';
import { MORE_TEST_CARDS } from './cards';
import { TEST_CARDS } from './constants';
import type { CardValues, FormError } from './pages';

/** Whether a session asks for the billing address: Stripe Tax, or `billing_address_collection=required`. */
export function needsAddress(session: Stripe.Checkout.Session): boolean {
  return session.automatic_tax.enabled || session.billing_address_collection === 'required';
}

export const BillingAddressFields: FC<{ values: CardValues; error: FormError | null }> = ({
  values,
  error,
}) => (
  <fieldset>
    <legend>Billing address</legend>
    <p class="muted">Tax for your country is added to the price.</p>
    <label for="country">Country (two letters, e.g. DE)</label>
    <input
      id="country"
      name="country"
      autocomplete="country"
      maxlength={2}
      required
      value={values.country ?? ''}
      aria-invalid={error?.field === 'country' ? 'true' : undefined}
      aria-describedby={error?.field === 'country' ? 'form-error' : undefined}
    />
    <label for="postal_code">Postal code</label>
    <input id="postal_code" name="postal_code" autocomplete="postal-code" value={values.postal_code ?? ''} />
  </fieldset>
);

export const TestCards: FC = () => (
  <details>
    <summary>Test cards</summary>
    <ul>
      <li>
        <code>{TEST_CARDS.success.replace(/(\d{4})(?=\d)/g, '$1 ')}</code>: pays
      </li>
      <li>
        <code>{TEST_CARDS.chargeFails.replace(/(\d{4})(?=\d)/g, '$1 ')}</code>: saved, but every charge fails
      </li>
      <li>
        <code>{TEST_CARDS.declined.replace(/(\d{4})(?=\d)/g, '$1 ')}</code>: always declined
      </li>
      <li>
        <code>{MORE_TEST_CARDS.insufficientFunds.replace(/(\d{4})(?=\d)/g, '$1 ')}</code>: declined,
        insufficient funds
      </li>
      <li>
        <code>{MORE_TEST_CARDS.authenticate.replace(/(\d{4})(?=\d)/g, '$1 ')}</code>,{' '}
        <code>{MORE_TEST_CARDS.authenticate3ds2.replace(/(\d{4})(?=\d)/g, '$1 ')}</code>: 3-D Secure
        (completed on this page)
      </li>
    </ul>
    <p class="muted">Any future expiry date, any 3-digit CVC.</p>
  </details>
);
