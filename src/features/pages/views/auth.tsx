/** @module Sign-up, sign-in and sign-out confirmation pages. */
import type { FC } from 'hono/jsx';
import { EmailField, ErrorSummary, Field, type FormErrors, FormState, hasErrors } from './form';
import { FromPublisher, Layout } from './layout';
import { PasskeySignIn } from './passkeys';

/** The publisher that sent the reader, when the page is part of the `/access` flow. */
export interface FromContext {
  name: string;
}

export interface CredentialsViewProps {
  csrf: string;
  next: string | null;
  from: FromContext | null;
  email?: string | undefined;
  errors?: FormErrors | undefined;
  trialDays: number;
}

function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export const SignupView: FC<CredentialsViewProps> = ({ csrf, next, from, email, errors, trialDays }) => {
  const title = trialDays > 0 ? `Start your ${trialDays}-day free trial` : 'Create your OnePass account';
  return (
    <Layout title={title} signedIn={false} hasErrors={hasErrors(errors)} narrow>
      {from ? (
        <FromPublisher name={from.name}>
          Sign up to read its full articles: one OnePass membership opens every member site.
        </FromPublisher>
      ) : null}
      <h1>{title}</h1>
      <p class="lead">
        All your news in one place.{' '}
        {trialDays > 0 ? 'No card needed: you choose a plan only when the trial ends.' : ''}
      </p>
      <ErrorSummary errors={errors} order={['email', 'password']} />
      <form class="card" method="post" action="/signup" novalidate>
        <FormState csrf={csrf} next={next} />
        <EmailField value={email} error={errors?.email} />
        <Field
          id="password"
          label="Choose a password"
          type="password"
          autocomplete="new-password"
          hint="At least 8 characters. A few words together make a strong one."
          error={errors?.password}
        />
        <button class="btn block" type="submit">
          {trialDays > 0 ? 'Start free trial' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <a href={withNext('/login', next)}>Sign in</a>. Rather not choose a password?{' '}
        <a href={withNext('/sign-in/email', next)}>Sign up with a mailed link</a>
      </p>
    </Layout>
  );
};

export const LoginView: FC<CredentialsViewProps> = ({ csrf, next, from, email, errors }) => (
  <Layout title="Sign in" signedIn={false} hasErrors={hasErrors(errors)} narrow>
    {from ? (
      <FromPublisher name={from.name}>Sign in to read its full articles with OnePass.</FromPublisher>
    ) : null}
    <h1>Sign in to OnePass</h1>
    <ErrorSummary errors={errors} order={['email', 'password']} />
    <form class="card" method="post" action="/login" novalidate>
      <FormState csrf={csrf} next={next} />
      <EmailField value={email} error={errors?.email} />
      <Field
        id="password"
        label="Password"
        type="password"
        autocomplete="current-password"
        error={errors?.password}
      />
      <button class="btn block" type="submit">
        Sign in
      </button>
      <p class="below">
        <a href="/reset-password">Forgot your password?</a> ·{' '}
        <a href={withNext('/sign-in/email', next)}>Email me a sign-in link instead</a>
      </p>
    </form>
    <PasskeySignIn next={next} />
    <p>
      New to OnePass? <a href={withNext('/signup', next)}>Start your free trial</a>
    </p>
  </Layout>
);

export interface SignOutViewProps {
  csrf: string;
  from: FromContext;
  publisherId: string;
  returnTo: string;
}

/** Reached from a publisher's "Sign out" link: signing out changes state, so it takes a click. */
export const SignOutView: FC<SignOutViewProps> = ({ csrf, from, publisherId, returnTo }) => (
  <Layout title="Sign out" signedIn narrow>
    <FromPublisher name={from.name}>It asked to sign you out of OnePass.</FromPublisher>
    <h1>Sign out of OnePass?</h1>
    <p>You will be signed out on this device. Member sites will show you their free previews again.</p>
    <form method="post" action="/logout">
      <input type="hidden" name="csrf" value={csrf} />
      <input type="hidden" name="publisher" value={publisherId} />
      <input type="hidden" name="return_to" value={returnTo} />
      <div class="actions">
        <button class="btn" type="submit">
          Sign out
        </button>
        <a href={returnTo}>Stay signed in and go back</a>
      </div>
    </form>
  </Layout>
);
