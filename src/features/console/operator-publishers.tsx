/**
 * @module The operator console's publishers: the list, onboarding (key shown once), and one
 * publisher with its staff (invite, change role, remove) and the break-glass key rotation.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { attempt, showFailure } from '../pages';
import { getPublisher, listPublishers, OriginSchema, onboardPublisher, rotateKey } from '../publishers';
import { Input, Pager, PostButton, SecretCard, type Shown, when } from './frame';
import { formToken, type OperatorSession, type PageContext, postedForm } from './gate';
import { inviteStaff, listStaff, removeStaff } from './grants';
import { operatorPage, withOperator } from './operator-frame';
import { InviteForm, StaffTable, staffRoleOf } from './staff-view';

export const operatorPublishers = new OpenAPIHono<AppEnv>();
operatorPublishers.onError(showFailure);

const KeyCard = ({ secret }: { secret?: string | undefined }) => (
  <SecretCard secret={secret} title="The publisher’s API key" id="new-key">
    Give it to the publisher now: it is shown this once.
  </SecretCard>
);

async function showList(c: PageContext, s: OperatorSession, shown: Shown = {}) {
  const page = await listPublishers({
    ctx: c.get('ctx'),
    input: { limit: 50, cursor: c.req.query('cursor') || undefined },
  });
  return operatorPage(c, s, {
    title: 'Publishers',
    current: '/admin/publishers',
    ...shown,
    status: shown.error ? 400 : shown.secret ? 201 : 200,
    children: (
      <>
        <KeyCard secret={shown.secret} />
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Origins</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {page.data.map((p) => (
              <tr>
                <td>
                  <a href={`/admin/publishers/${p.id}`}>{p.name}</a>
                </td>
                <td>{p.origins.join(', ')}</td>
                <td>{when(p.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager base="/admin/publishers" next={page.nextCursor} />
        {s.role === 'admin' ? (
          <form method="post" action="/admin/publishers" class="card inline">
            <input type="hidden" name="csrf" value={await formToken(c, '/admin/publishers', s.who)} />
            <Input id="name" label="New publisher’s name" required />
            <Input id="origin" label="Its origin" type="url" required hint="https://news.example" />
            <button class="btn" type="submit">
              Onboard
            </button>
          </form>
        ) : null}
      </>
    ),
  });
}

operatorPublishers.get('/admin/publishers', (c) => withOperator(c, (s) => showList(c, s)));

operatorPublishers.post('/admin/publishers', (c) =>
  withOperator(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const name = (fields.name ?? '').trim();
    const origin = OriginSchema.safeParse((fields.origin ?? '').trim());
    if (!name || name.length > 200)
      return showList(c, s, { error: 'Give the publisher a name (at most 200 characters).' });
    if (!origin.success)
      return showList(c, s, { error: `Origin: ${origin.error.issues[0]?.message ?? 'invalid'}` });
    const made = await attempt(c, () =>
      onboardPublisher({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { name, origins: [origin.data] },
      }),
    );
    return made.ok
      ? showList(c, s, { notice: `${made.value.publisher.name} is onboarded.`, secret: made.value.apiKey })
      : showList(c, s, { error: made.message });
  }),
);

async function showPublisher(c: PageContext, s: OperatorSession, shown: Shown = {}) {
  const ctx = c.get('ctx');
  const id = c.req.param('id') ?? '';
  const publisher = await getPublisher(ctx, id);
  if (!publisher) return c.notFound();
  const staff = await listStaff(ctx, id);
  const base = `/admin/publishers/${id}`;
  const admin = s.role === 'admin';
  return operatorPage(c, s, {
    title: publisher.name,
    current: '/admin/publishers',
    ...shown,
    status: shown.error ? 400 : 200,
    children: (
      <>
        <KeyCard secret={shown.secret} />
        <dl class="status card">
          <dt>Id</dt>
          <dd>
            <code>{publisher.id}</code>
          </dd>
          <dt>Origins</dt>
          <dd>{publisher.origins.join(', ')}</dd>
          <dt>Homepage</dt>
          <dd>{publisher.homepageUrl ?? '—'}</dd>
          <dt>Onboarded</dt>
          <dd>{when(publisher.createdAt)}</dd>
        </dl>
        <h2>Staff</h2>
        <StaffTable
          staff={staff}
          column="invited_by"
          remove={
            admin
              ? { action: `${base}/staff/remove`, csrf: await formToken(c, `${base}/staff/remove`, s.who) }
              : undefined
          }
        />
        {staff.length === 0 ? <p class="muted">Nobody is invited yet.</p> : null}
        {admin ? (
          <>
            <InviteForm
              action={`${base}/staff`}
              csrf={await formToken(c, `${base}/staff`, s.who)}
              defaultRole="owner"
            />
            <div class="card">
              <h2>Replace every key</h2>
              <p>
                For a leaked key: every live key of this publisher stops working at once, and one new key is
                shown.
              </p>
              <PostButton
                action={`${base}/rotate`}
                csrf={await formToken(c, `${base}/rotate`, s.who)}
                label="Rotate all keys"
                danger
              />
            </div>
          </>
        ) : null}
      </>
    ),
  });
}

operatorPublishers.get('/admin/publishers/:id', (c) => withOperator(c, (s) => showPublisher(c, s)));

operatorPublishers.post('/admin/publishers/:id/staff', (c) =>
  withOperator(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const role = staffRoleOf(fields.role);
    const done = await attempt(c, () =>
      inviteStaff({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { publisherId: c.req.param('id'), email: fields.email ?? '', role },
      }),
    );
    return done.ok
      ? showPublisher(c, s, { notice: `${done.value.email} is invited as ${done.value.role}.` })
      : showPublisher(c, s, { error: done.message });
  }),
);

operatorPublishers.post('/admin/publishers/:id/staff/remove', (c) =>
  withOperator(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const done = await attempt(c, () =>
      removeStaff({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { publisherId: c.req.param('id'), email: fields.email ?? '' },
      }),
    );
    return done.ok
      ? showPublisher(c, s, { notice: `${fields.email} was removed.` })
      : showPublisher(c, s, { error: done.message });
  }),
);

operatorPublishers.post('/admin/publishers/:id/rotate', (c) =>
  withOperator(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const done = await attempt(c, () =>
      rotateKey({ ctx: c.get('ctx'), principal: s.principal, input: { id: c.req.param('id') } }),
    );
    return done.ok
      ? showPublisher(c, s, { notice: 'Every earlier key is revoked.', secret: done.value.apiKey })
      : showPublisher(c, s, { error: done.message });
  }),
);
