/**
 * @module The operator console's members: search by address prefix and status, and one member in
 * detail (membership, Stripe events, audit entries) with every action: trial end, comp, cancel,
 * revoke sessions, delete — each through the same use-case (and audit row) as the admin API.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { ApiError } from '../../app/errors';
import { effectiveMembership, MEMBERSHIP_STATUSES } from '../../domain/membership';
import { deleteMember } from '../account';
import { listAuditLog } from '../audit';
import { cancelMember, compMember, listMembers, memberDetail, revokeSessions, setTrialEnd } from '../members';
import { attempt, showFailure } from '../pages';
import { Input, Pager, PostButton, Select, when } from './frame';
import { formToken, type OperatorSession, type PageContext, postedForm } from './gate';
import { operatorPage, withOperator } from './operator-frame';

export const operatorMembers = new OpenAPIHono<AppEnv>();
operatorMembers.onError(showFailure);

operatorMembers.get('/admin/members', (c) =>
  withOperator(c, async (s) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const status = MEMBERSHIP_STATUSES.find((st) => st === c.req.query('status'));
    const page = await listMembers({
      ctx: c.get('ctx'),
      principal: s.principal,
      input: { email: q || undefined, status, limit: 25, cursor: c.req.query('cursor') || undefined },
    });
    const now = c.get('ctx').now();
    return operatorPage(c, s, {
      title: 'Members',
      current: '/admin/members',
      children: (
        <>
          <form method="get" action="/admin/members" class="card inline" aria-label="Search members">
            <Input id="q" label="Address starts with" value={q} />
            <Select id="status" label="Status" options={['', ...MEMBERSHIP_STATUSES]} value={status ?? ''} />
            <button class="btn" type="submit">
              Search
            </button>
          </form>
          <table>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Status</th>
                <th scope="col">Plan</th>
                <th scope="col">Joined</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map(({ reader, membership }) => (
                <tr>
                  <td>
                    <a href={`/admin/members/${reader.id}`}>{reader.email ?? reader.id}</a>
                  </td>
                  <td>{membership ? effectiveMembership(membership, now).status : '—'}</td>
                  <td>{membership?.plan ?? '—'}</td>
                  <td>{when(reader.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.length === 0 ? <p>No member matches.</p> : null}
          <Pager base="/admin/members" query={{ q, status }} next={page.nextCursor} />
        </>
      ),
    });
  }),
);

async function showMember(c: PageContext, s: OperatorSession, notice?: string, error?: string) {
  const ctx = c.get('ctx');
  const readerId = c.req.param('id') ?? '';
  const [detail, audit] = await Promise.all([
    memberDetail({ ctx, principal: s.principal, input: { readerId } }),
    listAuditLog({ ctx, principal: s.principal, input: { limit: 50, targetId: readerId } }),
  ]);
  const base = `/admin/members/${readerId}`;
  const m = detail.membership ? effectiveMembership(detail.membership, ctx.now()) : null;
  const token = (action: string) => formToken(c, `${base}/${action}`, s.who);
  const admin = s.role === 'admin' && !detail.reader.deletedAt;
  return operatorPage(c, s, {
    title: detail.reader.email ?? `Deleted member ${readerId}`,
    current: '/admin/members',
    notice,
    error,
    children: (
      <>
        <dl class="status card">
          <dt>Id</dt>
          <dd>
            <code>{detail.reader.id}</code>
          </dd>
          <dt>Status</dt>
          <dd>{m?.status ?? 'no membership'}</dd>
          <dt>Plan</dt>
          <dd>{m?.plan ?? '—'}</dd>
          <dt>Trial ends</dt>
          <dd>{when(m?.trialEndsAt)}</dd>
          <dt>Period ends</dt>
          <dd>
            {when(m?.currentPeriodEnd)}
            {m?.cancelAtPeriodEnd ? ' (cancels then)' : ''}
          </dd>
          <dt>Comp until</dt>
          <dd>{when(m?.compUntil)}</dd>
          <dt>Address confirmed</dt>
          <dd>{when(detail.reader.emailVerifiedAt)}</dd>
          <dt>Sessions</dt>
          <dd>{detail.activeSessions}</dd>
          <dt>Reads, last 30 days</dt>
          <dd>{detail.readsLast30Days}</dd>
          <dt>Deleted</dt>
          <dd>{when(detail.reader.deletedAt)}</dd>
        </dl>
        {admin ? (
          <section class="card" aria-labelledby="actions-title">
            <h2 id="actions-title">Actions</h2>
            <form method="post" action={`${base}/trial`} class="inline">
              <input type="hidden" name="csrf" value={await token('trial')} />
              <Input id="trial_ends_at" label="Set the trial end (UTC)" type="datetime-local" required />
              <button class="btn secondary" type="submit">
                Set trial end
              </button>
            </form>
            <form method="post" action={`${base}/comp`} class="inline">
              <input type="hidden" name="csrf" value={await token('comp')} />
              <Input id="until" label="Comp until (UTC)" type="datetime-local" required />
              <Input id="reason" label="Reason" required />
              <button class="btn secondary" type="submit">
                Comp
              </button>
            </form>
            <div class="actions">
              <PostButton
                action={`${base}/cancel`}
                csrf={await token('cancel')}
                label="Cancel at period end"
                fields={{ when: 'period_end' }}
              />
              <PostButton
                action={`${base}/cancel`}
                csrf={await token('cancel')}
                label="Cancel now"
                danger
                fields={{ when: 'now' }}
              />
              <PostButton
                action={`${base}/revoke`}
                csrf={await token('revoke')}
                label="Revoke sessions and tokens"
              />
              <PostButton
                action={`${base}/delete`}
                csrf={await token('delete')}
                label="Delete account"
                danger
                fields={{ confirm: 'yes' }}
              />
            </div>
          </section>
        ) : null}
        <h2 id="events-title">Stripe events</h2>
        <section class="scroll" aria-labelledby="events-title" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {detail.events.map((e) => (
                <tr>
                  <td>{when(e.processedAt)}</td>
                  <td>
                    {e.type}
                    <br />
                    <code class="muted">{e.id}</code>
                  </td>
                  <td>{e.outcome}</td>
                  <td>
                    {e.statusBefore ?? '—'} → {e.statusAfter ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {detail.events.length === 0 ? <p class="muted">No Stripe event concerns this member.</p> : null}
        <h2>Audit</h2>
        <AuditRows rows={audit.data} />
      </>
    ),
  });
}

export const AuditRows = ({
  rows,
}: {
  rows: {
    id: string;
    createdAt: Date;
    action: string;
    actorKeyId: string;
    targetId: string;
    after: unknown;
  }[];
}) =>
  rows.length === 0 ? (
    <p class="muted">No entries.</p>
  ) : (
    <section class="scroll" aria-label="Audit entries" tabindex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Action</th>
            <th scope="col">By</th>
            <th scope="col">Target</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-audit-action={r.action}>
              <td>{when(r.createdAt)}</td>
              <td>{r.action}</td>
              <td>
                <code>{r.actorKeyId}</code>
              </td>
              <td>
                <code>{r.targetId}</code>
              </td>
              <td>
                <code>{JSON.stringify(r.after ?? null).slice(0, 160)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );

operatorMembers.get('/admin/members/:id', (c) => withOperator(c, (s) => showMember(c, s)));

/** `2026-12-24T10:00` from a datetime-local field, read as UTC; null when malformed. */
function utcInput(value: string | undefined): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

type Action = (
  c: PageContext,
  s: OperatorSession,
  fields: Record<string, string>,
  readerId: string,
) => Promise<string>;

const ACTIONS: Record<string, Action> = {
  trial: async (c, s, f, readerId) => {
    const endsAt = utcInput(f.trial_ends_at);
    if (!endsAt) throw new ApiError('invalid_request', 'Enter the trial end as a date and time.');
    await setTrialEnd({ ctx: c.get('ctx'), principal: s.principal, input: { readerId, endsAt } });
    return `The trial now ends ${when(endsAt)}.`;
  },
  comp: async (c, s, f, readerId) => {
    const until = utcInput(f.until);
    const reason = (f.reason ?? '').trim().slice(0, 200);
    if (!until || !reason) throw new ApiError('invalid_request', 'Enter the end of the comp and a reason.');
    await compMember({ ctx: c.get('ctx'), principal: s.principal, input: { readerId, until, reason } });
    return `Comped until ${when(until)}.`;
  },
  cancel: async (c, s, f, readerId) => {
    const atPeriodEnd = f.when !== 'now';
    await cancelMember({ ctx: c.get('ctx'), principal: s.principal, input: { readerId, atPeriodEnd } });
    return atPeriodEnd
      ? 'The subscription cancels at the end of its period.'
      : 'The subscription is canceled.';
  },
  revoke: async (c, s, _f, readerId) => {
    await revokeSessions({ ctx: c.get('ctx'), principal: s.principal, input: { readerId } });
    return 'Every session and earlier token of this member is void.';
  },
  delete: async (c, s, f, readerId) => {
    if (f.confirm !== 'yes') throw new ApiError('invalid_request', 'Confirm the deletion.');
    await deleteMember({ ctx: c.get('ctx'), principal: s.principal, input: { readerId } });
    return 'The account is deleted.';
  },
};

operatorMembers.post('/admin/members/:id/:action', (c) =>
  withOperator(c, async (s) => {
    const action = ACTIONS[c.req.param('action')];
    if (!action) return c.notFound();
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const result = await attempt(c, () => action(c, s, fields, c.req.param('id')));
    return result.ok ? showMember(c, s, result.value) : showMember(c, s, undefined, result.message);
  }),
);
