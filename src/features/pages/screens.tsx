/**
 * @module Screens: a view plus what it needs from the request (CSRF tokens, the reader, the publisher
 * that sent them), rendered with the right status and CSP. Shared by the page routes and `/access`.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../app/env';
import { toApiError } from '../../app/errors';
import { isId } from '../../db/ids';
import { toMembership } from '../../db/memberships';
import type { PublisherRow } from '../../db/schema';
import { checkoutTrialEnd } from '../../domain/billing';
import {
  canCancelSubscription,
  entitlementOf,
  type Plan,
  paysThroughStripe,
  verificationRequiredFrom,
} from '../../domain/membership';
import { csrfToken } from '../../http/csrf';
import { listDevices, type ReadingEntry, readingHistory } from '../account';
import { listPasskeys } from '../passkeys';
import { getPublisher } from '../publishers';
import { type Authenticated, entitlementOfReader, optionalReader } from '../readers';
import { notEntitled } from '../tokens';
import { subscribePrices } from './plan-prices';
import { renderPage, stripeOrigins } from './render';
import { AddressSection, type AddressSectionProps } from './views/account-address';
import {
  DataSection,
  DevicesSection,
  deviceName,
  PasswordSection,
  type ReadingRow,
  ReadingSection,
} from './views/account-settings';
import { LoginView, SignupView } from './views/auth';
import type { FormErrors } from './views/form';
import {
  AccountView,
  AlreadyMemberView,
  describeMembership,
  describeSeat,
  formatDay,
  SubscribeView,
} from './views/membership';
import { PasskeysSection } from './views/passkeys';
import { ErrorView, type ErrorViewProps } from './views/site';

/** The publisher of an `/access` continuation, to name it on the page and to let forms lead back to it. */
export async function publisherOfNext(c: Context<AppEnv>, next: string | null): Promise<PublisherRow | null> {
  if (!next?.startsWith('/access?')) return null;
  const id = new URLSearchParams(next.slice('/access?'.length)).get('publisher');
  return id && isId('publisher', id) ? getPublisher(c.get('ctx'), id) : null;
}

export interface CredentialsScreen {
  next: string | null;
  publisher: PublisherRow | null;
  email?: string | undefined;
  errors?: FormErrors | undefined;
  status?: ContentfulStatusCode;
}

// After signing in, the flow may end on the publisher's page (via /access): the form must be allowed to lead there.
const formTargetsOf = (publisher: PublisherRow | null) => publisher?.origins ?? [];

/** The sign-up or sign-in form: they take the same inputs and differ in their view and CSRF action. */
async function showCredentialsForm(
  c: Context<AppEnv>,
  s: CredentialsScreen,
  action: 'signup' | 'login',
): Promise<Response> {
  const csrf = await csrfToken(c, action, (await optionalReader(c))?.sessionId ?? null);
  const View = action === 'signup' ? SignupView : LoginView;
  return renderPage(
    c,
    <View
      csrf={csrf}
      next={s.next}
      from={s.publisher ? { name: s.publisher.name } : null}
      email={s.email}
      errors={s.errors}
      trialDays={c.get('ctx').config.trialDays}
    />,
    { status: s.status, formTargets: formTargetsOf(s.publisher), scripts: action === 'login' },
  );
}

export function showSignup(c: Context<AppEnv>, s: CredentialsScreen): Promise<Response> {
  return showCredentialsForm(c, s, 'signup');
}

export function showLogin(c: Context<AppEnv>, s: CredentialsScreen): Promise<Response> {
  return showCredentialsForm(c, s, 'login');
}

export interface SubscribeScreen {
  next: string | null;
  publisher: PublisherRow | null;
  plan?: Plan;
  errors?: FormErrors | undefined;
  status?: ContentfulStatusCode;
}

export async function showSubscribe(
  c: Context<AppEnv>,
  who: Authenticated,
  s: SubscribeScreen,
): Promise<Response> {
  const { config, now } = c.get('ctx');
  const membership = toMembership(who.membershipRow);
  if (paysThroughStripe(who.membershipRow) && !s.errors) {
    return renderPage(
      c,
      <AlreadyMemberView summary={describeMembership(membership, now())} continueHref={s.next} />,
    );
  }
  const entitlement = entitlementOfReader(who, now());
  const reason = entitlement.entitled ? null : notEntitled(config, entitlement).detail;
  let trialNote: string | null = null;
  if (membership?.status === 'trialing' && entitlement.entitled) {
    const trialEnd = checkoutTrialEnd(membership, now());
    trialNote =
      trialEnd && membership.trialEndsAt && trialEnd.getTime() > membership.trialEndsAt.getTime()
        ? `Your free trial ends within two days; subscribe now and the first payment is taken on ${formatDay(trialEnd)}, two days from now.`
        : trialEnd
          ? `You are on your free trial: the first payment is taken when it ends, on ${formatDay(trialEnd)}.`
          : null;
  }
  const csrf = await csrfToken(c, 'subscribe', who.sessionId);
  return renderPage(
    c,
    <SubscribeView
      csrf={csrf}
      next={s.next}
      from={s.publisher ? { name: s.publisher.name } : null}
      reason={reason}
      confirmAddress={!entitlement.entitled && entitlement.reason === 'email_unverified'}
      trialNote={trialNote}
      plan={s.plan ?? 'monthly'}
      prices={await subscribePrices(c)}
      errors={s.errors}
    />,
    { status: s.status, formTargets: stripeOrigins(config) },
  );
}

/** A read as the pages show it: the title, or the article id when the publisher sent none. */
export function readingRow(entry: ReadingEntry): ReadingRow {
  return {
    publisher: entry.publisher.name,
    title: entry.article.title ?? entry.article.id,
    url: entry.article.url,
    date: entry.date,
  };
}

export async function showAccount(
  c: Context<AppEnv>,
  who: Authenticated,
  s: {
    notice?: string;
    error?: string;
    passwordErrors?: FormErrors;
    deleteError?: string;
    address?: Pick<AddressSectionProps, 'pending' | 'verifySent' | 'error'>;
    status?: ContentfulStatusCode;
  } = {},
): Promise<Response> {
  const { config, now } = c.get('ctx');
  const canManageBilling = Boolean(who.membershipRow?.stripeCustomerId);
  const devices = await listDevices({ ctx: c.get('ctx'), principal: who, input: undefined });
  const reading = await readingHistory({ ctx: c.get('ctx'), principal: who, input: { limit: 5 } });
  return renderPage(
    c,
    <AccountView
      email={who.reader.email ?? ''}
      summary={
        entitlementOfReader(who, now()).entitled &&
        !entitlementOf(toMembership(who.membershipRow), now()).entitled
          ? describeSeat()
          : describeMembership(toMembership(who.membershipRow), now())
      }
      logoutCsrf={await csrfToken(c, 'logout', who.sessionId)}
      portalCsrf={canManageBilling ? await csrfToken(c, 'billing-portal', who.sessionId) : null}
      canCancel={canCancelSubscription(who.membershipRow)}
      canSubscribe={!paysThroughStripe(who.membershipRow)}
      notice={s.notice}
      error={s.error}
    >
      <AddressSection
        email={who.reader.email ?? ''}
        verified={who.reader.emailVerifiedAt !== null}
        requiredFrom={verificationRequiredFrom(
          who.reader,
          entitlementOf(toMembership(who.membershipRow), now()),
        )}
        {...s.address}
        csrf={{
          verify: await csrfToken(c, 'verify-email', who.sessionId),
          verifyCode: await csrfToken(c, 'verify-email-code', who.sessionId),
          change: await csrfToken(c, 'change-email', who.sessionId),
          changeCode: await csrfToken(c, 'change-email-code', who.sessionId),
        }}
      />
      <ReadingSection rows={reading.data.map(readingRow)} more={reading.nextCursor !== null} />
      <DevicesSection devices={devices} csrf={await csrfToken(c, 'end-other-sessions', who.sessionId)} />
      <PasskeysSection
        passkeys={await listPasskeys({ ctx: c.get('ctx'), principal: who, input: undefined })}
        csrf={await csrfToken(c, 'delete-passkey', who.sessionId)}
        suggestedName={deviceName(c.req.header('user-agent') ?? null)}
      />
      <PasswordSection
        csrf={await csrfToken(c, 'change-password', who.sessionId)}
        hasPassword={who.reader.passwordHash !== null}
        errors={s.passwordErrors}
      />
      <DataSection
        csrf={await csrfToken(c, 'delete-account', who.sessionId)}
        codeCsrf={await csrfToken(c, 'delete-code', who.sessionId)}
        hasPassword={who.reader.passwordHash !== null}
        error={s.deleteError}
      />
    </AccountView>,
    { status: s.status, formTargets: stripeOrigins(config), scripts: true },
  );
}

export async function showError(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  view: Omit<ErrorViewProps, 'signedIn'> & { signedIn?: boolean },
): Promise<Response> {
  const signedIn = view.signedIn ?? (await optionalReader(c).catch(() => null)) !== null;
  return renderPage(c, <ErrorView {...view} signedIn={signedIn} />, { status });
}

/** Anything thrown while making a page, as a page: logged when unexpected, never shown in detail. */
export function showFailure(err: unknown, c: Context<AppEnv>): Promise<Response> {
  const apiError = toApiError(err, (fields) => c.get('logger').error('unhandled error', fields));
  const failed = apiError.code === 'unavailable' || apiError.code === 'internal';
  return showError(c, apiError.status, {
    signedIn: false,
    title: failed ? 'Something went wrong' : 'This page cannot be shown',
    message: failed ? 'We could not complete this just now. Please try again in a moment.' : apiError.detail,
  });
}

/** The answer to a form that failed the CSRF checks: nothing happened, and the reader is told why. */
export function showForbiddenForm(c: Context<AppEnv>): Promise<Response> {
  return showError(c, 403, {
    title: 'This form could not be accepted',
    message:
      'For your safety we only accept forms sent from this site’s own pages, with cookies enabled. ' +
      'Nothing was changed. Go back, reload the page and try again.',
  });
}
