/** @module The account page's address section (confirm it, change it) and the page a change-of-address link opens. */
import type { FC } from 'hono/jsx';
import { ErrorSummary, Field, FormState } from './form';
import { Layout } from './layout';
import { formatDay } from './membership';

export interface AddressSectionProps {
  email: string;
  verified: boolean;
  /** When an unconfirmed trial stops (one day after sign-up); null when the rule does not apply. */
  requiredFrom: Date | null;
  /** The new address a change-of-address mail went to, while its code is awaited. */
  pending?: string | undefined;
  /** The code field is shown after a confirmation mail was asked for. */
  verifySent?: boolean | undefined;
  error?: string | undefined;
  csrf: { verify: string; verifyCode: string; change: string; changeCode: string };
}

export const AddressSection: FC<AddressSectionProps> = (p) => (
  <section class="card" aria-labelledby="address-title">
    <h2 id="address-title">Email address</h2>
    <p>
      <strong>{p.email}</strong> · {p.verified ? 'confirmed' : 'not confirmed yet'}
    </p>
    {p.verified ? null : (
      <>
        <p>
          {p.requiredFrom
            ? `Confirm it to keep your free trial after ${formatDay(p.requiredFrom)}: we mail you a link and a code.`
            : 'Confirm it: we mail you a link and a code.'}
        </p>
        <form method="post" action="/account/email/verify">
          <FormState csrf={p.csrf.verify} />
          <button class="btn secondary" type="submit">
            Email me a confirmation code
          </button>
        </form>
        {p.verifySent ? (
          <form method="post" action="/account/email/verify/confirm" novalidate>
            <FormState csrf={p.csrf.verifyCode} />
            <Field
              id="verify_code"
              label="Code from the mail"
              type="text"
              inputmode="numeric"
              autocomplete="one-time-code"
              error={p.error}
            />
            <button class="btn" type="submit">
              Confirm my address
            </button>
          </form>
        ) : null}
      </>
    )}
    <h3>Change your address</h3>
    {p.pending ? (
      <form method="post" action="/account/email/confirm" novalidate>
        <FormState csrf={p.csrf.changeCode} />
        <p>
          We mailed a link and a code to <strong>{p.pending}</strong>. Until you use one, your account keeps
          its address.
        </p>
        <Field
          id="change_code"
          label="Code from the mail"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          error={p.error}
        />
        <button class="btn" type="submit">
          Confirm the new address
        </button>
      </form>
    ) : (
      <form method="post" action="/account/email" novalidate>
        <FormState csrf={p.csrf.change} />
        <Field
          id="new_email"
          label="New email address"
          type="email"
          autocomplete="email"
          hint="We mail the new address a link and a code; your old address is told once it changes."
          error={p.verifySent ? undefined : p.error}
        />
        <button class="btn secondary" type="submit">
          Change address
        </button>
      </form>
    )}
  </section>
);

/** `/account/email/confirm?token=`: only its button (a POST) moves the account, so link scanners change nothing. */
export const EmailChangeConfirmView: FC<{
  csrf: string;
  token: string;
  email: string | null;
  error?: string;
}> = ({ csrf, token, email, error }) => (
  <Layout title="Confirm your new address" signedIn={false} hasErrors={error !== undefined} narrow>
    <h1>Confirm your new address</h1>
    <ErrorSummary errors={{ form: error }} order={[]} />
    {email === null ? (
      <p>
        {error ? null : 'This link is expired or was already used. '}
        Ask for a new one from <a href="/account">your account</a>.
      </p>
    ) : (
      <form class="card" method="post" action="/account/email/confirm-link">
        <FormState csrf={csrf} />
        <input type="hidden" name="token" value={token} />
        <p>
          Move your OnePass account to <strong>{email}</strong>?
        </p>
        <button class="btn block" type="submit">
          Confirm
        </button>
      </form>
    )}
  </Layout>
);

export const EmailChangedView: FC<{ email: string; signedIn: boolean }> = ({ email, signedIn }) => (
  <Layout title="Address changed" signedIn={signedIn} narrow>
    <h1>Your address has changed</h1>
    <div class="notice" role="status">
      Your OnePass account now uses {email}. Sign in with it from now on.
    </div>
    <a href={signedIn ? '/account' : '/login'}>{signedIn ? 'Back to your account' : 'Sign in'}</a>
  </Layout>
);
