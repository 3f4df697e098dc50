/**
 * @module The publisher console's webhooks: endpoints (add with the secret shown once, enable or
 * disable, rotate the secret, delete), and one endpoint's deliveries with every attempt, a test
 * event and redelivery — each through the same use-case (and audit row) as the publisher API.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { attempt, showFailure } from '../pages';
import {
  createEndpoint,
  deleteEndpoint,
  type Endpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  redeliver,
  rotateSecret,
  SUBSCRIBABLE_EVENTS,
  sendTest,
  updateEndpoint,
} from '../webhooks';
import { Input, Pager, PostButton, SecretCard, type Shown } from './frame';
import { formToken, type PageContext, type PublisherSession, postedForm } from './gate';
import { publisherPage, withPublisher } from './publisher-frame';

export const publisherWebhookPages = new OpenAPIHono<AppEnv>();
publisherWebhookPages.onError(showFailure);

const SigningSecret = ({ secret }: { secret?: string | undefined }) => (
  <SecretCard secret={secret} title="The signing secret" id="new-secret">
    Copy it into your receiver now: it is shown this once. Verify deliveries with it (docs/WEBHOOKS.md).
  </SecretCard>
);

const State = ({ e }: { e: Endpoint }) =>
  e.enabled ? (
    <span class="badge ok">enabled</span>
  ) : (
    <span class="badge bad">disabled{e.disabled_reason ? `: ${e.disabled_reason}` : ''}</span>
  );

async function showEndpoints(c: PageContext, s: PublisherSession, shown: Shown = {}) {
  const path = `/publisher/${s.publisher.id}/webhooks`;
  const page = await listEndpoints({
    ctx: c.get('ctx'),
    principal: s.principal,
    input: { limit: 50, cursor: c.req.query('cursor') || undefined },
  });
  return publisherPage(c, s, {
    title: 'Webhooks',
    current: path,
    ...shown,
    status: shown.error ? 400 : shown.secret ? 201 : 200,
    children: (
      <>
        <SigningSecret secret={shown.secret} />
        <p class="muted">
          OnePass tells your servers when something happens: a reader’s access ends, a statement is published,
          a new signing key appears. Deliveries follow Standard Webhooks and are retried for 3 days.
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {page.data.map((e) => (
              <tr>
                <td>
                  <a href={`${path}/${e.id}`}>{e.url}</a>
                  {e.description ? <div class="muted">{e.description}</div> : null}
                </td>
                <td>{e.events.join(', ')}</td>
                <td>
                  <State e={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.data.length === 0 ? <p>No endpoint yet.</p> : null}
        <Pager base={path} next={page.nextCursor} />
        {s.role === 'owner' ? (
          <form method="post" action={path} class="card">
            <h2>Add an endpoint</h2>
            <input type="hidden" name="csrf" value={await formToken(c, path, s.who)} />
            <Input id="url" label="URL (https)" type="url" required />
            <Input id="description" label="Description" />
            <fieldset>
              <legend>Events</legend>
              {SUBSCRIBABLE_EVENTS.map((ev) => (
                <label class="plan">
                  <input type="checkbox" name="events" value={ev} checked />
                  <span>{ev}</span>
                </label>
              ))}
            </fieldset>
            <button class="btn" type="submit">
              Add endpoint
            </button>
          </form>
        ) : null}
      </>
    ),
  });
}

publisherWebhookPages.get('/publisher/:pid/webhooks', (c) => withPublisher(c, (s) => showEndpoints(c, s)));

publisherWebhookPages.post('/publisher/:pid/webhooks', (c) =>
  withPublisher(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const body = await c.req.parseBody({ all: true });
    const events = ([] as unknown[])
      .concat(body.events ?? [])
      .filter((v): v is string => typeof v === 'string');
    const made = await attempt(c, () =>
      createEndpoint({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { url: (fields.url ?? '').trim(), events, description: fields.description?.trim() || null },
      }),
    );
    return made.ok
      ? showEndpoints(c, s, { notice: `Endpoint ${made.value.url} added.`, secret: made.value.secret })
      : showEndpoints(c, s, { error: made.message });
  }),
);

async function showEndpoint(c: PageContext, s: PublisherSession, shown: Shown = {}) {
  const ctx = c.get('ctx');
  const id = c.req.param('eid') ?? '';
  const base = `/publisher/${s.publisher.id}/webhooks/${id}`;
  const [endpoint, deliveries] = await Promise.all([
    getEndpoint({ ctx, principal: s.principal, input: { id } }),
    listDeliveries({
      ctx,
      principal: s.principal,
      input: { endpointId: id, limit: 20, cursor: c.req.query('cursor') || undefined },
    }),
  ]);
  const owner = s.role === 'owner';
  const token = (action: string) => formToken(c, `${base}/${action}`, s.who);
  return publisherPage(c, s, {
    title: endpoint.url,
    current: `/publisher/${s.publisher.id}/webhooks`,
    ...shown,
    status: shown.error ? 400 : 200,
    children: (
      <>
        <SigningSecret secret={shown.secret} />
        <dl class="status card">
          <dt>State</dt>
          <dd>
            <State e={endpoint} />
          </dd>
          <dt>Events</dt>
          <dd>{endpoint.events.join(', ')}</dd>
          <dt>Previous secret signs until</dt>
          <dd>{endpoint.previous_secret_expires_at ?? '—'}</dd>
        </dl>
        {owner ? (
          <div class="actions">
            <PostButton action={`${base}/test`} csrf={await token('test')} label="Send a test event" />
            <PostButton
              action={`${base}/enabled`}
              csrf={await token('enabled')}
              label={endpoint.enabled ? 'Disable' : 'Enable'}
              fields={{ enabled: endpoint.enabled ? 'false' : 'true' }}
            />
            <PostButton action={`${base}/rotate`} csrf={await token('rotate')} label="Rotate the secret" />
            <PostButton action={`${base}/delete`} csrf={await token('delete')} label="Delete" danger />
          </div>
        ) : null}
        <h2>Deliveries</h2>
        {deliveries.data.length === 0 ? <p class="muted">Nothing was sent here yet.</p> : null}
        {
          await Promise.all(
            deliveries.data.map(async (d) => (
              <section class="card" data-delivery={d.id} data-status={d.status}>
                <h3>
                  {d.type}{' '}
                  <span
                    class={`badge ${d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'bad' : ''}`}
                  >
                    {d.status}
                  </span>
                </h3>
                <p class="muted">
                  Created {d.created_at}, {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                  {d.next_attempt_at ? `, next at ${d.next_attempt_at}` : ''}.
                </p>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Attempt at</th>
                      <th scope="col">Status</th>
                      <th scope="col" class="num">
                        Duration
                      </th>
                      <th scope="col">Error or answer</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.attempt_log.map((a) => (
                      <tr>
                        <td>{a.started_at}</td>
                        <td>{a.status_code ?? '—'}</td>
                        <td class="num">{a.duration_ms} ms</td>
                        <td>
                          <code>{(a.error ?? a.response ?? '').slice(0, 120)}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <details>
                  <summary>Body</summary>
                  <pre class="mail-text">{d.payload}</pre>
                </details>
                {owner ? (
                  <PostButton
                    action={`${base}/redeliver`}
                    csrf={await token('redeliver')}
                    label="Redeliver"
                    fields={{ delivery: d.id }}
                  />
                ) : null}
              </section>
            )),
          )
        }
        <Pager base={base} next={deliveries.nextCursor} />
      </>
    ),
  });
}

/** What a finished action says on the page it redirects to (`?done=`), so a reload repeats nothing. */
const DONE: Record<string, string> = {
  test: 'A test event is on its way; its delivery is below once sent.',
  enabled: 'The endpoint is enabled.',
  disabled: 'The endpoint is disabled: nothing is sent to it.',
  redeliver: 'The delivery was sent again now.',
};

publisherWebhookPages.get('/publisher/:pid/webhooks/:eid', (c) =>
  withPublisher(c, (s) => showEndpoint(c, s, { notice: DONE[c.req.query('done') ?? ''] })),
);

/** An action: a `done` key to redirect with, or a page to show at once (a new secret is shown once). */
type Action = (
  c: PageContext,
  s: PublisherSession,
  f: Record<string, string>,
  id: string,
) => Promise<{ done: string } | Shown>;

const ACTIONS: Record<string, Action> = {
  test: async (c, s, _f, id) => {
    await sendTest({ ctx: c.get('ctx'), principal: s.principal, input: { endpointId: id } });
    return { done: 'test' };
  },
  enabled: async (c, s, f, id) => {
    const e = await updateEndpoint({
      ctx: c.get('ctx'),
      principal: s.principal,
      input: { id, enabled: f.enabled === 'true' },
    });
    return { done: e.enabled ? 'enabled' : 'disabled' };
  },
  rotate: async (c, s, _f, id) => {
    const e = await rotateSecret({ ctx: c.get('ctx'), principal: s.principal, input: { id } });
    return {
      notice: 'A new secret signs from now on; the previous one signs too for 24 hours.',
      secret: e.secret,
    };
  },
  redeliver: async (c, s, f, id) => {
    await redeliver({
      ctx: c.get('ctx'),
      principal: s.principal,
      input: { endpointId: id, deliveryId: f.delivery ?? '' },
    });
    return { done: 'redeliver' };
  },
};

publisherWebhookPages.post('/publisher/:pid/webhooks/:eid/:action', (c) =>
  withPublisher(c, async (s) => {
    const name = c.req.param('action');
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const id = c.req.param('eid');
    if (name === 'delete') {
      const done = await attempt(c, () =>
        deleteEndpoint({ ctx: c.get('ctx'), principal: s.principal, input: { id } }),
      );
      return done.ok
        ? showEndpoints(c, s, { notice: 'The endpoint is deleted.' })
        : showEndpoints(c, s, { error: done.message });
    }
    const action = ACTIONS[name];
    if (!action) return c.notFound();
    const done = await attempt(c, () => action(c, s, fields, id));
    if (!done.ok) return showEndpoint(c, s, { error: done.message });
    if ('done' in done.value)
      return c.redirect(`/publisher/${s.publisher.id}/webhooks/${id}?done=${done.value.done}`, 303);
    return showEndpoint(c, s, done.value);
  }),
);
