/** @module Posted page forms: size limit, field reading, the CSRF gate, and the credential rules. */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../app/env';
import { ApiError, type ErrorCode } from '../../app/errors';
import { EMAIL_MESSAGE, isPlausibleEmail } from '../../domain/email';
import { csrfValid, type FormAction } from '../../http/csrf';
import { type Authenticated, optionalReader } from '../readers';
import { showError, showForbiddenForm } from './screens';
import { type FormErrors, hasErrors } from './views/form';

const FORM_BODY_LIMIT = 16 * 1024;

type PageContext = Context<AppEnv>;

export const formLimit = bodyLimit({
  maxSize: FORM_BODY_LIMIT,
  onError: (c) =>
    showError(c as PageContext, 413, {
      title: 'This form is too large',
      message: 'The form sent more than we accept. Go back and shorten what you entered.',
    }),
});

export interface Submitted {
  fields: Record<string, string>;
  who: Authenticated | null;
}

/** The text fields of a posted form (files, which no page form has, are dropped). */
export async function formStrings(c: PageContext): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(await c.req.parseBody())) {
    if (typeof value === 'string') fields[name] = value;
  }
  return fields;
}

/** Reads a posted form and runs the CSRF checks; a refusal is answered here, with nothing changed. */
export async function submitted(c: PageContext, action: FormAction): Promise<Submitted | Response> {
  const who = await optionalReader(c);
  const fields = await formStrings(c);
  const refused = await refusedByCsrf(c, action, fields, who?.sessionId ?? null);
  return refused ?? { fields, who };
}

/**
 * As `submitted`, for a form whose mailed token proves who the reader is (a reset or sign-in
 * link): its CSRF token is bound to no session.
 */
export async function submittedWithLink(
  c: PageContext,
  action: FormAction,
): Promise<Record<string, string> | Response> {
  const fields = await formStrings(c);
  return (await refusedByCsrf(c, action, fields, null)) ?? fields;
}

async function refusedByCsrf(
  c: PageContext,
  action: FormAction,
  fields: Record<string, string>,
  sessionId: string | null,
): Promise<Response | null> {
  if (await csrfValid(c, action, fields.csrf, sessionId)) return null;
  c.get('logger').warn('form refused by CSRF checks', { action, origin: c.req.header('origin') ?? null });
  return showForbiddenForm(c);
}

export function emailError(email: string): string | undefined {
  if (email === '') return 'Enter your email address';
  if (!isPlausibleEmail(email)) return EMAIL_MESSAGE;
  return undefined;
}

/** The rules of a password being chosen (sign-up, reset): 8 to 256 characters. */
export function newPasswordError(password: string): string | undefined {
  if (password === '') return 'Choose a password';
  if (password.length < 8) return 'The password must be at least 8 characters';
  if (password.length > 256) return 'The password must be at most 256 characters';
  return undefined;
}

export function credentialErrors(
  email: string,
  password: string,
  signingUp: boolean,
): FormErrors | undefined {
  const errors: FormErrors = { email: emailError(email) };
  if (signingUp) errors.password = newPasswordError(password);
  else if (password === '') errors.password = 'Enter your password';
  else if (password.length > 256) errors.password = 'The password must be at most 256 characters';
  return hasErrors(errors) ? errors : undefined;
}

export type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; message: string; status: ContentfulStatusCode };

/**
 * Runs a form's use-case. A refusal (a 4xx, or a dependency that is unavailable) comes back as the
 * message the form shows beside its fields, in the page's own `words` where it has them, with the
 * status and headers (a 429's `Retry-After`) of the error; anything else is not the form's to show
 * and is thrown, to be answered as an error page.
 */
export async function attempt<T>(
  c: PageContext,
  run: () => Promise<T>,
  words: Partial<Record<ErrorCode, string>> = {},
): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (!(err instanceof ApiError) || err.code === 'internal') throw err;
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    const message = words[err.code] ?? (err.code === 'unavailable' ? UNAVAILABLE : err.detail);
    return { ok: false, message, status: err.status };
  }
}

const UNAVAILABLE = 'This is not available right now. Please try again in a moment.';
