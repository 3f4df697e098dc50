/** @module The operator console's keys and users: admin API keys (create, shown once; revoke) and operator users (grant, revoke). */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { ADMIN_ROLES, type AdminRole } from '../../db/schema';
import { createAdminKey, listAdminKeys, revokeAdminKey } from '../admin';
import { attempt, showFailure } from '../pages';
import { Input, PostButton, SecretCard, Select, type Shown } from './frame';
import { formToken, type OperatorSession, type PageContext, postedForm } from './gate';
import { grantAdminUser, listAdminUsers, revokeAdminUser } from './grants';
import { operatorPage, withOperator } from './operator-frame';

export const operatorKeys = new OpenAPIHono<AppEnv>();
operatorKeys.onError(showFailure);

async function showKeys(c: PageContext, s: OperatorSession, shown: Shown = {}) {
  const ctx = c.get('ctx');
  const [keys, users] = await Promise.all([
    listAdminKeys({ ctx, principal: s.principal, input: { limit: 100 } }),
    listAdminUsers(ctx),
  ]);
  const admin = s.role === 'admin';
  const token = (path: string) => formToken(c, path, s.who);
  return operatorPage(c, s, {
    title: 'Keys and users',
    current: '/admin/keys',
    ...shown,
    status: shown.error ? 400 : shown.secret ? 201 : 200,
    children: (
      <>
        <SecretCard secret={shown.secret} title="The new admin key" id="new-key">
          Copy it now: it is shown this once.
        </SecretCard>
        <h2>Operator users</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Role</th>
              <th scope="col">Granted by</th>
              {admin ? <th scope="col">Revoke</th> : null}
            </tr>
          </thead>
          <tbody>
            {
              await Promise.all(
                users.map(async (u) => (
                  <tr>
                    <td>{u.email}</td>
                    <td>{u.role}</td>
                    <td>
                      <code>{u.createdBy}</code>
                    </td>
                    {admin ? (
                      <td>
                        <PostButton
                          action="/admin/users/revoke"
                          csrf={await token('/admin/users/revoke')}
                          label="Revoke"
                          danger
                          fields={{ email: u.email }}
                        />
                      </td>
                    ) : null}
                  </tr>
                )),
              )
            }
          </tbody>
        </table>
        {admin ? (
          <form method="post" action="/admin/users" class="card inline">
            <input type="hidden" name="csrf" value={await token('/admin/users')} />
            <Input id="email" label="Grant the console to" type="email" required />
            <Select id="role" label="Role" options={ADMIN_ROLES} value="support" />
            <button class="btn" type="submit">
              Grant
            </button>
          </form>
        ) : null}
        <h2>Admin API keys</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Prefix</th>
              <th scope="col">State</th>
              {admin ? <th scope="col">Revoke</th> : null}
            </tr>
          </thead>
          <tbody>
            {
              await Promise.all(
                keys.data.map(async (k) => (
                  <tr>
                    <td>{k.name}</td>
                    <td>{k.role}</td>
                    <td>
                      <code>{k.keyPrefix}…</code>
                    </td>
                    <td>
                      {k.revokedAt ? (
                        <span class="badge bad">revoked</span>
                      ) : (
                        <span class="badge ok">live</span>
                      )}
                    </td>
                    {admin ? (
                      <td>
                        {k.revokedAt ? null : (
                          <PostButton
                            action={`/admin/keys/${k.id}/revoke`}
                            csrf={await token(`/admin/keys/${k.id}/revoke`)}
                            label="Revoke"
                            danger
                          />
                        )}
                      </td>
                    ) : null}
                  </tr>
                )),
              )
            }
          </tbody>
        </table>
        {admin ? (
          <form method="post" action="/admin/keys" class="card inline">
            <input type="hidden" name="csrf" value={await token('/admin/keys')} />
            <Input id="name" label="New key’s name" required />
            <Select id="role" label="Role" options={ADMIN_ROLES} value="support" />
            <button class="btn" type="submit">
              Create key
            </button>
          </form>
        ) : null}
        <p class="muted">
          The bootstrap key (ADMIN_API_KEY) lives in the environment and is changed there. Signing keys are
          rotated with <code>npm run admin -- keys</code> (docs/OPERATIONS.md).
        </p>
      </>
    ),
  });
}

const roleOf = (value: string | undefined): AdminRole => (value === 'admin' ? 'admin' : 'support');

operatorKeys.get('/admin/keys', (c) => withOperator(c, (s) => showKeys(c, s)));

operatorKeys.post('/admin/keys', (c) =>
  withOperator(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const name = (fields.name ?? '').trim().slice(0, 100);
    if (!name) return showKeys(c, s, { error: 'Give the key a name.' });
    const made = await attempt(c, () =>
      createAdminKey({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { name, role: roleOf(fields.role) },
      }),
    );
    return made.ok
      ? showKeys(c, s, { notice: `Key “${made.value.key.name}” created.`, secret: made.value.apiKey })
      : showKeys(c, s, { error: made.message });
  }),
);

operatorKeys.post('/admin/keys/:id/revoke', (c) =>
  withOperator(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const done = await attempt(c, () =>
      revokeAdminKey({ ctx: c.get('ctx'), principal: s.principal, input: { id: c.req.param('id') } }),
    );
    return done.ok
      ? showKeys(c, s, { notice: 'The key is revoked.' })
      : showKeys(c, s, { error: done.message });
  }),
);

operatorKeys.post('/admin/users', (c) =>
  withOperator(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const done = await attempt(c, () =>
      grantAdminUser({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { email: fields.email ?? '', role: roleOf(fields.role) },
      }),
    );
    return done.ok
      ? showKeys(c, s, { notice: `${done.value.email} has the console as ${done.value.role}.` })
      : showKeys(c, s, { error: done.message });
  }),
);

operatorKeys.post('/admin/users/revoke', (c) =>
  withOperator(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const done = await attempt(c, () =>
      revokeAdminUser({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { email: fields.email ?? '', self: s.who.reader.emailKey },
      }),
    );
    return done.ok
      ? showKeys(c, s, { notice: `${fields.email} no longer has the console.` })
      : showKeys(c, s, { error: done.message });
  }),
);
