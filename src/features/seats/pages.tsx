/** @module Seat pages: `/account/seats` (invite, remove, leave) and `/seats/join/{token}` (take a seat, new or existing account). */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../app/env';
import { csrfToken } from '../../http/csrf';
import type { FormErrors } from '../pages';
import { attempt, emailError, formLimit, loginFor, renderPage, showError, submitted } from '../pages';
import { type Authenticated, optionalReader } from '../readers';
import { joinSeat, previewSeat } from './join';
import { inviteSeat, leaveSeat, listSeats, removeSeat } from './manage';
import { SeatJoinView, SeatsView } from './views';

export const seatPages = new OpenAPIHono<AppEnv>();

/** The pages' form size limit, looked up per request (this feature is imported by the pages' own imports). */
const limitForm: MiddlewareHandler<AppEnv> = (c, next) => formLimit(c, next);

async function showSeats(
  c: Context<AppEnv>,
  who: Authenticated,
  s: {
    values?: Record<string, string>;
    errors?: FormErrors;
    notice?: string;
    status?: 200 | 400 | 404 | 409 | 503;
  } = {},
) {
  const overview = await listSeats({ ctx: c.get('ctx'), principal: who, input: undefined });
  const csrf = {
    invite: await csrfToken(c, 'seat-invite', who.sessionId),
    remove: await csrfToken(c, 'seat-remove', who.sessionId),
    leave: await csrfToken(c, 'seat-leave', who.sessionId),
  };
  return renderPage(
    c,
    <SeatsView overview={overview} csrf={csrf} values={s.values} errors={s.errors} notice={s.notice} />,
    { status: s.status ?? 200 },
  );
}

const NOTICES: Record<string, string> = {
  invited: 'The invitation is on its way.',
  removed: 'The seat was removed.',
  left: 'You left the seat.',
};

seatPages.get('/account/seats', async (c) => {
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor('/account/seats'), 303);
  return showSeats(c, who, { notice: NOTICES[c.req.query('done') ?? ''] });
});

seatPages.post('/account/seats', limitForm, async (c) => {
  const form = await submitted(c, 'seat-invite');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account/seats'), 303);
  const who = form.who;
  const email = (form.fields.email ?? '').trim();
  const invalid = emailError(email);
  if (invalid) return showSeats(c, who, { values: form.fields, errors: { email: invalid }, status: 400 });
  const result = await attempt(c, () =>
    inviteSeat({ ctx: c.get('ctx'), principal: { ...who, requestId: c.get('requestId') }, input: { email } }),
  );
  if (!result.ok)
    return showSeats(c, who, {
      values: form.fields,
      errors: { form: result.message },
      status: result.status === 503 ? 503 : 409,
    });
  return c.redirect('/account/seats?done=invited', 303);
});

seatPages.post('/account/seats/:id/remove', limitForm, async (c) => {
  const form = await submitted(c, 'seat-remove');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account/seats'), 303);
  const who = form.who;
  const result = await attempt(c, () =>
    removeSeat({
      ctx: c.get('ctx'),
      principal: { ...who, requestId: c.get('requestId') },
      input: { id: c.req.param('id') },
    }),
  );
  if (!result.ok) return showSeats(c, who, { errors: { form: result.message }, status: 404 });
  return c.redirect('/account/seats?done=removed', 303);
});

seatPages.post('/account/seat/leave', limitForm, async (c) => {
  const form = await submitted(c, 'seat-leave');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account/seats'), 303);
  const who = form.who;
  const result = await attempt(c, () =>
    leaveSeat({ ctx: c.get('ctx'), principal: { ...who, requestId: c.get('requestId') }, input: undefined }),
  );
  if (!result.ok) return showSeats(c, who, { errors: { form: result.message }, status: 404 });
  return c.redirect('/account/seats?done=left', 303);
});

async function showJoin(c: Context<AppEnv>, token: string, error?: string, status: 200 | 409 = 200) {
  const who = await optionalReader(c);
  const shown = await attempt(c, () => previewSeat({ ctx: c.get('ctx'), input: { token } }));
  if (!shown.ok)
    return showError(c, 404, {
      title: 'No such invitation',
      message:
        'There is no invitation at this link. It may have been replaced by a newer one: look for a later mail.',
    });
  const path = `/seats/join/${token}`;
  return renderPage(
    c,
    <SeatJoinView
      from={shown.value.from}
      email={shown.value.email}
      status={shown.value.status}
      csrf={who ? await csrfToken(c, 'seat-join', who.sessionId) : null}
      action={path}
      signInHref={loginFor(path)}
      signUpHref={`/signup?next=${encodeURIComponent(path)}`}
      error={error}
    />,
    { status },
  );
}

seatPages.get('/seats/join/:token', (c) => showJoin(c, c.req.param('token')));

seatPages.post('/seats/join/:token', limitForm, async (c) => {
  const token = c.req.param('token');
  const form = await submitted(c, 'seat-join');
  if (form instanceof Response) return form;
  const who = form.who;
  if (!who) return c.redirect(loginFor(`/seats/join/${token}`), 303);
  const result = await attempt(c, () =>
    joinSeat({ ctx: c.get('ctx'), principal: { ...who, requestId: c.get('requestId') }, input: { token } }),
  );
  if (!result.ok) return showJoin(c, token, result.message, 409);
  return c.redirect('/account', 303);
});
