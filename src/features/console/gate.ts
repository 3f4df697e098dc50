/**
 * @module The consoles' door: the signed-in reader behind the session cookie, what they may open,
 * and posted console forms (CSRF token bound to the form's path and the session, our origin, and a
 * role that may change things). Refusals are pages; nothing changes.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../app/env';
import type { AdminRole, PublisherRow, StaffRole } from '../../db/schema';
import { csrfToken, csrfValid } from '../../http/csrf';
import type { AdminPrincipal } from '../admin';
import { formStrings, loginFor, showError, showForbiddenForm } from '../pages';
import type { PublisherPrincipal } from '../publishers';
import { type Authenticated, optionalReader } from '../readers';
import { type ConsoleAccess, consoleAccess } from './grants';

export type PageContext = Context<AppEnv>;

export interface OperatorSession {
  who: Authenticated;
  access: ConsoleAccess;
  role: AdminRole;
  principal: AdminPrincipal;
}

export interface PublisherSession {
  who: Authenticated;
  access: ConsoleAccess;
  publisher: PublisherRow;
  role: StaffRole;
  principal: PublisherPrincipal;
}

const here = (c: PageContext) => {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
};

async function signedInWithAccess(
  c: PageContext,
): Promise<{ who: Authenticated; access: ConsoleAccess } | Response> {
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor(c.req.method === 'GET' ? here(c) : c.req.path), 303);
  if (!who.reader.emailVerifiedAt) {
    return showError(c, 403, {
      title: 'Confirm your address first',
      message:
        'The consoles open only to a confirmed address. Confirm yours from your account page (we mail you a code), or sign in with a link by mail, then come back.',
    });
  }
  return { who, access: await consoleAccess(c.get('ctx'), who) };
}

const noAccess = (c: PageContext, which: string) =>
  showError(c, 403, {
    title: 'No access',
    message: `This account has no access to ${which}. If you should have it, ask an administrator to invite this address.`,
  });

/** The operator behind the request, or the page that answers it (sign-in, confirm, no access). */
export async function operatorGate(c: PageContext): Promise<OperatorSession | Response> {
  const found = await signedInWithAccess(c);
  if (found instanceof Response) return found;
  const role = found.access.admin;
  if (!role) return noAccess(c, 'the operator console');
  return {
    ...found,
    role,
    principal: { actor: { keyId: found.who.reader.id, role }, requestId: c.get('requestId') },
  };
}

/** The staff member of this publisher behind the request, or the page that answers it. */
export async function publisherGate(
  c: PageContext,
  publisherId: string,
): Promise<PublisherSession | Response> {
  const found = await signedInWithAccess(c);
  if (found instanceof Response) return found;
  const grant = found.access.publishers.find((p) => p.publisher.id === publisherId);
  // Someone else's publisher reads as no access, whether or not it exists.
  if (!grant) return noAccess(c, 'this publisher’s console');
  return {
    ...found,
    publisher: grant.publisher,
    role: grant.role,
    principal: {
      publisherId,
      actor: { keyId: found.who.reader.id, role: grant.role },
      requestId: c.get('requestId'),
    },
  };
}

/** The token of a console form that posts to `path`. */
export function formToken(c: PageContext, path: string, who: Authenticated): Promise<string> {
  return csrfToken(c, `console:${path}`, who.sessionId);
}

/**
 * The fields of a posted console form, once its CSRF token (for this very path and session) and
 * the role pass; otherwise the refusal page.
 */
export async function postedForm(
  c: PageContext,
  session: { who: Authenticated; role: AdminRole | StaffRole },
): Promise<Record<string, string> | Response> {
  const fields = await formStrings(c);
  if (!(await csrfValid(c, `console:${c.req.path}`, fields.csrf, session.who.sessionId))) {
    c.get('logger').warn('console form refused by CSRF checks', { path: c.req.path });
    return showForbiddenForm(c);
  }
  if (session.role === 'support' || session.role === 'viewer') {
    return showError(c, 403, {
      title: 'Read-only access',
      message: `Your role (${session.role}) may look but not change anything. Nothing was changed.`,
    });
  }
  return fields;
}
