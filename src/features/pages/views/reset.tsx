/** @module Password reset pages: ask for a link by email, then choose a new password with it. */
import type { FC } from 'hono/jsx';
import { EmailField, ErrorSummary, Field, type FormErrors, FormState, hasErrors } from './form';
import { Layout } from './layout';

export interface ResetRequestViewProps {
  csrf: string;
  signedIn: boolean;
  email?: string | undefined;
  errors?: FormErrors | undefined;
}

export const ResetRequestView: FC<ResetRequestViewProps> = ({ csrf, signedIn, email, errors }) => (
  <Layout title="Reset your password" signedIn={signedIn} hasErrors={hasErrors(errors)} narrow>
    <h1>Reset your password</h1>
    <p class="lead">
      Enter the email address of your account. We will send you a link to choose a new password.
    </p>
    <ErrorSummary errors={errors} order={['email']} />
    <form class="card" method="post" action="/reset-password" novalidate>
      <FormState csrf={csrf} />
      <EmailField value={email} error={errors?.email} />
      <button class="btn block" type="submit">
        Send the link
      </button>
    </form>
    <p>
      Remembered it? <a href="/login">Sign in</a>
    </p>
  </Layout>
);

/** The same answer whether or not the address has an account: the page tells nothing about who reads. */
export const ResetSentView: FC<{ signedIn: boolean }> = ({ signedIn }) => (
  <Layout title="Check your email" signedIn={signedIn} narrow>
    <h1>Check your email</h1>
    <div class="notice" role="status">
      If there is a OnePass account for this address, a link to choose a new password is on its way. It works
      once, for one hour.
    </div>
    <p>
      Nothing arrived after a few minutes? Look in the spam folder, or <a href="/reset-password">ask again</a>
      .
    </p>
  </Layout>
);

export interface ResetConfirmViewProps {
  csrf: string;
  token: string;
  errors?: FormErrors | undefined;
}

export const ResetConfirmView: FC<ResetConfirmViewProps> = ({ csrf, token, errors }) => (
  <Layout title="Choose a new password" signedIn={false} hasErrors={hasErrors(errors)} narrow>
    <h1>Choose a new password</h1>
    <ErrorSummary errors={errors} order={['password']} />
    {errors?.form ? (
      <p>
        <a href="/reset-password">Ask for a new link</a>
      </p>
    ) : null}
    {token === '' ? null : (
      <form class="card" method="post" action="/reset-password/confirm" novalidate>
        <FormState csrf={csrf} />
        <input type="hidden" name="token" value={token} />
        <Field
          id="password"
          label="New password"
          type="password"
          autocomplete="new-password"
          hint="At least 8 characters. You will be signed out everywhere, then sign in with it."
          error={errors?.password}
        />
        <button class="btn block" type="submit">
          Set the new password
        </button>
      </form>
    )}
  </Layout>
);

export const ResetDoneView: FC = () => (
  <Layout title="Password changed" signedIn={false} narrow>
    <h1>Your password has changed</h1>
    <div class="notice" role="status">
      You have been signed out on every device. Sign in again with your new password.
    </div>
    <a class="btn" href="/login">
      Sign in
    </a>
  </Layout>
);
