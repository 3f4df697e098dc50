/**
 * @module The publisher console's own pages: the chooser, the overview (reads and unique readers
 * per day, top articles, over a date range), settings (origins and the /titles profile) and staff.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { resolveDayRange } from '../../domain/days';
import { attempt, renderPage, showFailure } from '../pages';
import { OriginSchema, TitleFieldsSchema, titleFieldsOf, updatePublisherProfile } from '../publishers';
import { optionalReader } from '../readers';
import { publisherReads, topArticles } from '../reads';
import { BarChart, LineChart } from './charts';
import { ConsoleFrame, Input, RangeForm, Tiles } from './frame';
import { formToken, type PageContext, type PublisherSession, postedForm } from './gate';
import { consoleAccess, inviteStaff, listStaff, removeStaff } from './grants';
import { publisherPage, withPublisher } from './publisher-frame';
import { InviteForm, StaffTable, staffRoleOf } from './staff-view';

export const publisherPages = new OpenAPIHono<AppEnv>();
publisherPages.onError(showFailure);

publisherPages.get('/publisher', async (c) => {
  const who = await optionalReader(c);
  if (!who) return c.redirect('/login?next=%2Fpublisher', 303);
  const access = await consoleAccess(c.get('ctx'), who);
  const [only] = access.publishers;
  if (access.publishers.length === 1 && only) return c.redirect(`/publisher/${only.publisher.id}`, 303);
  return renderPage(
    c,
    <ConsoleFrame title="Your publishers" heading="Publisher console" tabs={[]} current="">
      {access.publishers.length === 0 ? (
        <p>
          {who.reader.emailVerifiedAt
            ? 'This address is not on the staff of any publisher. Ask an administrator to invite it.'
            : 'Confirm your address from your account page first: the console opens only to a confirmed address.'}
        </p>
      ) : (
        <ul>
          {access.publishers.map((p) => (
            <li>
              <a href={`/publisher/${p.publisher.id}`}>{p.publisher.name}</a>{' '}
              <span class="badge">{p.role}</span>
            </li>
          ))}
        </ul>
      )}
    </ConsoleFrame>,
    { status: access.publishers.length === 0 ? 403 : 200 },
  );
});

publisherPages.get('/publisher/:pid', (c) =>
  withPublisher(c, async (s) => {
    const ctx = c.get('ctx');
    const range = resolveDayRange(
      { from: c.req.query('from') || undefined, to: c.req.query('to') || undefined },
      ctx.now(),
      { maxDays: 366, defaultDays: 30 },
    );
    const base = `/publisher/${s.publisher.id}`;
    if ('field' in range) {
      const fallback = resolveDayRange({}, ctx.now(), { maxDays: 366, defaultDays: 30 });
      const r = 'field' in fallback ? { from: '', to: '' } : fallback;
      return publisherPage(c, s, {
        title: 'Overview',
        current: base,
        status: 400,
        error: `The date range cannot be shown: ${range.message.replace(/`/g, '')}.`,
        children: <RangeForm action={base} from={r.from} to={r.to} />,
      });
    }
    const [report, top] = await Promise.all([
      publisherReads({ ctx, principal: s.publisher, input: range }),
      topArticles(ctx, s.publisher.id, range, 10),
    ]);
    return publisherPage(c, s, {
      title: 'Overview',
      current: base,
      children: (
        <>
          <RangeForm action={base} from={range.from} to={range.to} />
          <Tiles
            items={[
              { label: 'Reads', value: report.reads.toLocaleString('en') },
              { label: 'Unique readers', value: report.unique_readers?.toLocaleString('en') ?? '—' },
              { label: 'Days', value: String(report.days.length) },
            ]}
          />
          <LineChart
            id="reads-per-day"
            title={`Reads and unique readers per day, ${range.from} to ${range.to}`}
            labels={report.days.map((d) => d.date.slice(5))}
            series={[
              { name: 'Reads', values: report.days.map((d) => d.reads) },
              { name: 'Unique readers', values: report.days.map((d) => d.unique_readers) },
            ]}
          />
          <BarChart
            id="top-articles"
            title="Top articles"
            bars={top.map((a) => ({ label: a.title ?? a.articleId, value: a.reads }))}
          />
          {top.length > 0 ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">Article</th>
                  <th scope="col" class="num">
                    Reads
                  </th>
                  <th scope="col" class="num">
                    Unique readers
                  </th>
                </tr>
              </thead>
              <tbody>
                {top.map((a) => (
                  <tr>
                    <td>
                      {a.url ? <a href={a.url}>{a.title ?? a.articleId}</a> : (a.title ?? a.articleId)}
                      <br />
                      <code class="muted">{a.articleId}</code>
                    </td>
                    <td class="num">{a.reads}</td>
                    <td class="num">{a.uniqueReaders}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ),
    });
  }),
);

const ProfileForm = z.object({
  origins: z.array(OriginSchema).min(1).max(20),
  ...TitleFieldsSchema,
});

async function showSettings(c: PageContext, s: PublisherSession, notice?: string, error?: string) {
  const path = `/publisher/${s.publisher.id}/settings`;
  const p = s.publisher;
  return publisherPage(c, s, {
    title: 'Settings',
    current: path,
    notice,
    error,
    status: error ? 400 : 200,
    children: (
      <form method="post" action={path} class="card">
        <input type="hidden" name="csrf" value={await formToken(c, path, s.who)} />
        <div class="field">
          <label for="origins">Origins readers may be sent back to</label>
          <span class="hint" id="origins-hint">
            One per line, like https://news.example (no path).
          </span>
          <textarea class="input" id="origins" name="origins" rows={4} aria-describedby="origins-hint">
            {p.origins.join('\n')}
          </textarea>
        </div>
        <Input id="description" label="Description on /titles" value={p.description ?? ''} />
        <Input id="homepage_url" label="Homepage (https)" type="url" value={p.homepageUrl ?? ''} />
        <Input id="logo_url" label="Logo (https image)" type="url" value={p.logoUrl ?? ''} />
        {s.role === 'owner' ? (
          <button class="btn" type="submit">
            Save settings
          </button>
        ) : (
          <p class="muted">Viewers cannot change settings.</p>
        )}
      </form>
    ),
  });
}

publisherPages.get('/publisher/:pid/settings', (c) => withPublisher(c, (s) => showSettings(c, s)));

publisherPages.post('/publisher/:pid/settings', (c) =>
  withPublisher(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const blank = (v: string | undefined) => (v?.trim() ? v.trim() : null);
    const parsed = ProfileForm.safeParse({
      origins: (fields.origins ?? '')
        .split(/\r?\n/)
        .map((o) => o.trim())
        .filter(Boolean),
      description: blank(fields.description),
      homepage_url: blank(fields.homepage_url),
      logo_url: blank(fields.logo_url),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return showSettings(c, s, undefined, `${issue?.path.join(' ')}: ${issue?.message}`);
    }
    const result = await attempt(c, () =>
      updatePublisherProfile({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { origins: parsed.data.origins, ...titleFieldsOf(parsed.data) },
      }),
    );
    if (!result.ok) return showSettings(c, s, undefined, result.message);
    return showSettings(c, { ...s, publisher: result.value }, 'Settings saved.');
  }),
);

async function showStaff(c: PageContext, s: PublisherSession, notice?: string, error?: string) {
  const path = `/publisher/${s.publisher.id}/staff`;
  const staff = await listStaff(c.get('ctx'), s.publisher.id);
  const owner = s.role === 'owner';
  return publisherPage(c, s, {
    title: 'Staff',
    current: path,
    notice,
    error,
    status: error ? 400 : 200,
    children: (
      <>
        <StaffTable
          staff={staff}
          column="since"
          remove={
            owner
              ? { action: `${path}/remove`, csrf: await formToken(c, `${path}/remove`, s.who) }
              : undefined
          }
        />
        {owner ? (
          <InviteForm action={path} csrf={await formToken(c, path, s.who)} defaultRole="viewer" />
        ) : null}
      </>
    ),
  });
}

publisherPages.get('/publisher/:pid/staff', (c) => withPublisher(c, (s) => showStaff(c, s)));

publisherPages.post('/publisher/:pid/staff', (c) =>
  withPublisher(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const role = staffRoleOf(fields.role);
    const result = await attempt(c, () =>
      inviteStaff({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { publisherId: s.publisher.id, email: fields.email ?? '', role },
      }),
    );
    return result.ok
      ? showStaff(c, s, `${result.value.email} is invited as ${result.value.role}.`)
      : showStaff(c, s, undefined, result.message);
  }),
);

publisherPages.post('/publisher/:pid/staff/remove', (c) =>
  withPublisher(c, async (s) => {
    const fields = await postedForm(c, s);
    if (fields instanceof Response) return fields;
    const result = await attempt(c, () =>
      removeStaff({
        ctx: c.get('ctx'),
        principal: s.principal,
        input: { publisherId: s.publisher.id, email: fields.email ?? '' },
      }),
    );
    return result.ok
      ? showStaff(c, s, `${fields.email} was removed.`)
      : showStaff(c, s, undefined, result.message);
  }),
);
