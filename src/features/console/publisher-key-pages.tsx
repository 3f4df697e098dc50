/** @module The publisher console's API keys: list, create (shown once), rotate (a new key replaces one) and revoke. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { attempt, showFailure } from '../pages';
import { createPublisherKey, listPublisherKeys, MAX_LIVE_KEYS, revokePublisherKey } from '../publishers';
import { Input, PostButton, SecretCard, type Shown, when } from './frame';
import { formToken, type PageContext, type PublisherSession, postedForm } from './gate';
import { publisherPage, withPublisher } from './publisher-frame';

export const publisherKeyPages = new OpenAPIHono<AppEnv>();
publisherKeyPages.onError(showFailure);

async function showKeys(c: PageContext, s: PublisherSession, shown: Shown = {}) {
  const path = `/publisher/${s.publisher.id}/keys`;
  const keys = await listPublisherKeys(c.get('ctx'), s.publisher.id);
  const owner = s.role === 'owner';
  return publisherPage(c, s, {
    title: 'API keys',
    current: path,
    notice: shown.notice,
    error: shown.error,
    status: shown.error ? 400 : shown.secret ? 201 : 200,
    children: (
      <>
        <SecretCard secret={shown.secret} title="Your new key" id="new-key">
          Copy it now: it is shown this once and cannot be recovered.
        </SecretCard>
        <p class="muted">
          Up to {MAX_LIVE_KEYS} keys may be live at once. To replace a key without downtime, create a new one,
          deploy it, then revoke the old one; “Rotate” does both at once.
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
              {owner ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {
              await Promise.all(
                keys.map(async (k) => (
                  <tr>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.keyPrefix}…</code>
                    </td>
                    <td>{when(k.createdAt)}</td>
                    <td>
                      {k.revokedAt ? (
                        <span class="badge bad">revoked {when(k.revokedAt)}</span>
                      ) : (
                        <span class="badge ok">live</span>
                      )}
                    </td>
                    {owner ? (
                      <td class="actions">
                        {k.revokedAt ? null : (
                          <>
                            <PostButton
                              action={`${path}/${k.id}/rotate`}
                              csrf={await formToken(c, `${path}/${k.id}/rotate`, s.who)}
                              label="Rotate"
                            />
                            <PostButton
                              action={`${path}/${k.id}/revoke`}
                              csrf={await formToken(c, `${path}/${k.id}/revoke`, s.who)}
                              label="Revoke"
                              danger
                            />
                          </>
                        )}
                      </td>
                    ) : null}
                  </tr>
                )),
              )
            }
          </tbody>
        </table>
        {owner ? (
          <form method="post" action={path} class="card inline">
            <input type="hidden" name="csrf" value={await formToken(c, path, s.who)} />
            <Input
              id="name"
              label="New key’s name"
              required
              hint="Where it will be used, e.g. “production web”."
            />
            <button class="btn" type="submit">
              Create key
            </button>
          </form>
        ) : null}
      </>
    ),
  });
}

publisherKeyPages.get('/publisher/:pid/keys', (c) => withPublisher(c, (s) => showKeys(c, s)));

publisherKeyPages.post('/publisher/:pid/keys', (c) =>
  withPublisher(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const name = (fields.name ?? '').trim().slice(0, 100);
    if (!name) return showKeys(c, s, { error: 'Give the key a name.' });
    const made = await attempt(c, () =>
      createPublisherKey({ ctx: c.get('ctx'), principal: s.principal, input: { name } }),
    );
    return made.ok
      ? showKeys(c, s, { notice: `Key “${made.value.key.name}” created.`, secret: made.value.apiKey })
      : showKeys(c, s, { error: made.message });
  }),
);

publisherKeyPages.post('/publisher/:pid/keys/:kid/revoke', (c) =>
  withPublisher(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const done = await attempt(c, () =>
      revokePublisherKey({ ctx: c.get('ctx'), principal: s.principal, input: { id: c.req.param('kid') } }),
    );
    return done.ok
      ? showKeys(c, s, { notice: `Key “${done.value.name}” is revoked: it no longer works.` })
      : showKeys(c, s, { error: done.message });
  }),
);

/** A new key with the old one's name, then the old one revoked: two audited changes, in this order. */
publisherKeyPages.post('/publisher/:pid/keys/:kid/rotate', (c) =>
  withPublisher(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const ctx = c.get('ctx');
    const old = (await listPublisherKeys(ctx, s.publisher.id)).find((k) => k.id === c.req.param('kid'));
    if (!old || old.revokedAt) return showKeys(c, s, { error: 'This key is not live.' });
    const made = await attempt(c, () =>
      createPublisherKey({ ctx, principal: s.principal, input: { name: old.name } }),
    );
    if (!made.ok) return showKeys(c, s, { error: made.message });
    await revokePublisherKey({ ctx, principal: s.principal, input: { id: old.id } });
    return showKeys(c, s, {
      notice: `Key “${old.name}” was rotated: the old key no longer works.`,
      secret: made.value.apiKey,
    });
  }),
);
