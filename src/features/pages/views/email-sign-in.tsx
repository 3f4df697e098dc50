/** @module Sign-in by mail pages: ask for a mail, enter its code, or confirm its link with a click. */
import type { FC } from 'hono/jsx';
import { EmailField, ErrorSummary, Field, type FormErrors, FormState, hasErrors } from './form';
import { Layout } from './layout';

export interface EmailSignInViewProps {
  csrf: string;
  next: string | null;
  email?: string | undefined;
  errors?: FormErrors | undefined;
}

export const EmailSignInView: FC<EmailSignInViewProps> = ({ csrf, next, email, errors }) => (
  <Layout title="Sign in with email" signedIn={false} hasErrors={hasErrors(errors)} narrow>
    <h1>Sign in with your email</h1>
    <p class="lead">
      No password needed: we mail you a link and a code. New to OnePass? The same mail creates your account.
    </p>
    <ErrorSummary errors={errors} order={['email']} />
    <form class="card" method="post" action="/sign-in/email" novalidate>
      <FormState csrf={csrf} next={next} />
      <EmailField value={email} error={errors?.email} />
      <button class="btn block" type="submit">
        Email me a link and code
      </button>
    </form>
    <p>
      Prefer your password?{' '}
      <a href={next ? `/login?next=${encodeURIComponent(next)}` : '/login'}>Sign in with it</a>
    </p>
  </Layout>
);

export interface EmailCodeViewProps {
  csrf: string;
  next: string | null;
  email: string;
  errors?: FormErrors | undefined;
}

/** The same page whether or not the address has an account. */
export const EmailCodeView: FC<EmailCodeViewProps> = ({ csrf, next, email, errors }) => (
  <Layout title="Check your email" signedIn={false} hasErrors={hasErrors(errors)} narrow>
    <h1>Check your email</h1>
    <div class="notice" role="status">
      We sent a link and a 6-digit code to <strong>{email}</strong>. Both work once, for 15 minutes.
    </div>
    <ErrorSummary errors={errors} order={['code']} />
    <form class="card" method="post" action="/sign-in/email/code" novalidate>
      <FormState csrf={csrf} next={next} />
      <input type="hidden" name="email" value={email} />
      <Field
        id="code"
        label="6-digit code"
        type="text"
        inputmode="numeric"
        autocomplete="one-time-code"
        error={errors?.code}
      />
      <button class="btn block" type="submit">
        Sign in
      </button>
    </form>
    <p>
      Nothing arrived after a few minutes? Look in the spam folder, or <a href="/sign-in/email">ask again</a>.
    </p>
  </Layout>
);

export interface EmailConfirmViewProps {
  csrf: string;
  token: string;
  error?: string | undefined;
}

/** A mailed link opens this page; only its button (a POST) signs in, so link scanners sign nobody in. */
export const EmailConfirmView: FC<EmailConfirmViewProps> = ({ csrf, token, error }) => (
  <Layout title="Sign in to OnePass" signedIn={false} hasErrors={error !== undefined} narrow>
    <h1>Sign in to OnePass</h1>
    <ErrorSummary errors={{ form: error }} order={[]} />
    {error ? (
      <p>
        <a href="/sign-in/email">Ask for a new link</a>
      </p>
    ) : (
      <form class="card" method="post" action="/sign-in/email/confirm">
        <FormState csrf={csrf} />
        <input type="hidden" name="token" value={token} />
        <p>You opened a sign-in link from your email. Continue on this device?</p>
        <button class="btn block" type="submit">
          Continue
        </button>
      </form>
    )}
  </Layout>
);
