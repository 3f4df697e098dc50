/**
 * @module The admin command line (`npm run admin -- <command>`): calls the HTTP admin API with an
 * admin key and prints aligned tables. The calls go through openapi-fetch, typed by the app's
 * OpenAPI document (scripts/api/schema.d.ts, `npm run gen:api`); see `help` and docs/OPERATIONS.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import createClient, { type Client } from 'openapi-fetch';
import { parseDotenv } from '../src/lib/dev-secrets';
import { importCommand } from './admin-import';
import { printMember, printMembers, printMetrics, printStatement, table } from './admin-print';
import type { components, paths } from './api/schema';

const HELP = `OnePass admin

Usage: npm run admin -- <command> [options]

  publisher:create --name NAME --origin URL [--origin URL ...]   onboard a publisher (its key is shown once)
  publishers                                                     list publishers
  key:create --name NAME --role admin|support                    create an admin key (shown once)
  member <rdr_id | email or email prefix>                        look a member up
  members [--status STATUS] [--email PREFIX] [--limit N]          list members, newest first
  trial:end <rdr_id>                                             end a member's free trial now
  comp <rdr_id> --until DATE --reason TEXT                       free access until DATE (YYYY-MM-DD or RFC 3339)
  reconcile                                                      apply Stripe events that never arrived
  payout --month YYYY-MM --amount MINOR_UNITS --currency CUR     a month's payout statement
  metrics [--from YYYY-MM-DD] [--to YYYY-MM-DD]                  members, trials, conversion, churn
  import FILE.csv [--dry-run]                                    members from a CSV (email,status,plan,period_end,stripe_customer)
  import --from-stripe [--dry-run]                               members from the Stripe account's subscriptions
  user:grant --email EMAIL --role admin|support                  give an address the operator console (/admin)
  staff:invite <pub_id> --email EMAIL --role owner|viewer         invite someone to a publisher's console (/publisher)
  help                                                           this text

Environment: ONEPASS_URL (default http://127.0.0.1:8787) and ONEPASS_ADMIN_KEY (in development,
ADMIN_API_KEY from .dev.vars is used when it is not set).`;

class CliError extends Error {}

const baseUrl = (process.env.ONEPASS_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');

function adminKey(): string {
  const fromEnv = process.env.ONEPASS_ADMIN_KEY;
  if (fromEnv) return fromEnv;
  const file = path.resolve(import.meta.dirname, '..', '.dev.vars');
  const key = existsSync(file) ? parseDotenv(readFileSync(file, 'utf8')).ADMIN_API_KEY : undefined;
  if (!key)
    throw new CliError('Set ONEPASS_ADMIN_KEY to an admin key (or run `npm run dev` once for .dev.vars).');
  return key;
}

type Schemas = components['schemas'];

let client: Client<paths> | undefined;

/** The typed client of the admin API, made at the first call (so `help` needs no key). */
function api(): Client<paths> {
  client ??= createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminKey()}` } });
  return client;
}

/**
 * The body of a successful answer, with its status. Anything else becomes a CliError: the status,
 * the problem's title and detail (or the raw body), and one line per invalid field.
 */
async function answer<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ status: number; data: T }> {
  let result: Awaited<typeof call>;
  try {
    result = await call;
  } catch (err) {
    throw new CliError(`Cannot reach ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const p: Partial<Schemas['Problem']> = typeof error === 'object' && error !== null ? error : {};
    const text = typeof error === 'string' ? error : error === undefined ? '' : JSON.stringify(error);
    const lines = [`${response.status} ${p.title ?? response.statusText}: ${p.detail ?? text}`];
    for (const e of p.errors ?? []) lines.push(`  ${e.path}: ${e.message}`);
    throw new CliError(lines.join('\n'));
  }
  // Every admin operation the CLI calls answers with a JSON body (none is 204).
  return { status: response.status, data: data as T };
}

function options(args: string[], spec: Record<string, { multiple?: boolean }>) {
  const parsed = parseArgs({
    args,
    allowPositionals: true,
    options: Object.fromEntries(
      Object.entries(spec).map(([name, o]) => [
        name,
        { type: 'string' as const, multiple: o.multiple ?? false },
      ]),
    ),
  });
  return {
    values: parsed.values as Record<string, string | string[] | undefined>,
    positionals: parsed.positionals,
  };
}

function required(values: Record<string, string | string[] | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new CliError(`--${name} is required (see help).`);
  return value;
}

function positional(positionals: string[], what: string): string {
  const value = positionals[0];
  if (!value) throw new CliError(`Give ${what} (see help).`);
  return value;
}

const toInstant = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async 'publisher:create'(args) {
    const { values } = options(args, { name: {}, origin: { multiple: true } });
    const origins = (values.origin as string[] | undefined) ?? [];
    if (origins.length === 0) throw new CliError('--origin is required (repeat it for several origins).');
    const { data } = await answer(
      api().POST('/v1/admin/publishers', { body: { name: required(values, 'name'), origins } }),
    );
    console.log(`Publisher ${data.publisher.id} created: ${data.publisher.name}`);
    console.log(`Origins:  ${data.publisher.origins.join(', ')}`);
    console.log(`API key:  ${data.api_key}`);
    console.log('The API key is shown this once: store it as a secret of the publisher site.');
  },
  async publishers() {
    const rows: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: { limit: number; cursor?: string } = cursor ? { limit: 100, cursor } : { limit: 100 };
      const { data } = await answer(api().GET('/v1/admin/publishers', { params: { query } }));
      for (const p of data.data)
        rows.push([p.id, p.name, p.origins.join(' '), p.api_key_prefix, p.created_at]);
      cursor = data.next_cursor;
    } while (cursor);
    console.log(table(['id', 'name', 'origins', 'key', 'created'], rows));
  },
  async 'key:create'(args) {
    const { values } = options(args, { name: {}, role: {} });
    const body = {
      name: required(values, 'name'),
      // Not checked here: the API refuses an unknown role with a 400 that names the field.
      role: required(values, 'role') as Schemas['NewAdminKey']['role'],
    };
    const { data } = await answer(api().POST('/v1/admin/keys', { body }));
    console.log(`Admin key ${data.key.id} (${data.key.role}) created: ${data.key.name}`);
    console.log(`Key: ${data.api_key}`);
    console.log('The key is shown this once: store it as a secret.');
  },
  async member(args) {
    const who = positional(options(args, {}).positionals, 'a member id or an email');
    let id = who;
    if (!who.startsWith('rdr_')) {
      const { data } = await answer(
        api().GET('/v1/admin/members', { params: { query: { limit: 10, email: who } } }),
      );
      const [only, ...more] = data.data;
      if (!only) throw new CliError(`No member's email starts with ${who}.`);
      if (more.length > 0) {
        console.log(`${data.data.length}${data.next_cursor ? '+' : ''} members match; give one id:`);
        printMembers(data.data);
        return;
      }
      id = only.id;
    }
    printMember((await answer(api().GET('/v1/admin/members/{id}', { params: { path: { id } } }))).data);
  },
  async members(args) {
    const { values } = options(args, { status: {}, email: {}, limit: {} });
    type Query = NonNullable<paths['/v1/admin/members']['get']['parameters']['query']>;
    // Passed on as given: the API refuses a bad --limit or --status with a 400 that names the field.
    const query: Query = { limit: Number(values.limit ?? 50) };
    if (typeof values.status === 'string') query.status = values.status as Query['status'];
    if (typeof values.email === 'string') query.email = values.email;
    const { data } = await answer(api().GET('/v1/admin/members', { params: { query } }));
    printMembers(data.data);
    if (data.next_cursor) console.log('(more: raise --limit, up to 100, or page with the API)');
  },
  async 'trial:end'(args) {
    const id = positional(options(args, {}).positionals, 'a member id');
    const { data } = await answer(
      api().POST('/v1/admin/members/{id}/trial', {
        params: { path: { id } },
        body: { ends_at: new Date().toISOString() },
      }),
    );
    console.log(`Trial of ${id} ended: membership is now ${data?.status ?? '(none)'}.`);
  },
  async comp(args) {
    const { values, positionals } = options(args, { until: {}, reason: {} });
    const id = positional(positionals, 'a member id');
    const { data } = await answer(
      api().POST('/v1/admin/members/{id}/comp', {
        params: { path: { id } },
        body: { until: toInstant(required(values, 'until')), reason: required(values, 'reason') },
      }),
    );
    console.log(`${id} is ${data?.status ?? '(none)'} until ${data?.comp_until}.`);
  },
  async reconcile() {
    for (let run = 1; run <= 1000; run++) {
      const { data } = await answer(api().POST('/v1/admin/stripe/reconcile'));
      console.log(
        `run ${run}: scanned ${data.scanned} events, applied ${data.applied}${data.complete ? ', complete' : ', continuing…'}`,
      );
      if (data.complete) return;
    }
    throw new CliError('Reconciliation did not complete in 1000 runs.');
  },
  async payout(args) {
    const { values } = options(args, { month: {}, amount: {}, currency: {} });
    const amount = Number(required(values, 'amount'));
    if (!Number.isSafeInteger(amount))
      throw new CliError('--amount must be an integer number of minor units.');
    const body = {
      month: required(values, 'month'),
      amount,
      currency: required(values, 'currency').toUpperCase(),
    };
    const { status, data } = await answer(api().POST('/v1/admin/payouts', { body }));
    printStatement(data, status === 201);
  },
  async metrics(args) {
    const { values } = options(args, { from: {}, to: {} });
    const query: { from?: string; to?: string } = {};
    if (typeof values.from === 'string') query.from = values.from;
    if (typeof values.to === 'string') query.to = values.to;
    printMetrics((await answer(api().GET('/v1/admin/metrics', { params: { query } }))).data);
  },
  async import(args) {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean' }, 'from-stripe': { type: 'boolean' } },
    });
    try {
      await importCommand(api(), answer, {
        file: parsed.positionals[0],
        fromStripe: parsed.values['from-stripe'] === true,
        dryRun: parsed.values['dry-run'] === true,
      });
    } catch (err) {
      // A missing file, a malformed CSV: said in one line, like every other refusal.
      if (err instanceof Error && !(err instanceof CliError)) throw new CliError(err.message);
      throw err;
    }
  },
  async 'user:grant'(args) {
    const { values } = options(args, { email: {}, role: {} });
    const role = required(values, 'role');
    if (role !== 'admin' && role !== 'support') throw new CliError('--role must be admin or support.');
    const { data } = await answer(
      api().POST('/v1/admin/users', { body: { email: required(values, 'email'), role } }),
    );
    console.log(`${data.email} may sign in to ${baseUrl}/admin as ${data.role}`);
    console.log(
      'They sign in as readers do (a link by mail is enough); the console opens once the address is confirmed.',
    );
  },
  async 'staff:invite'(args) {
    const { values, positionals } = options(args, { email: {}, role: {} });
    const id = positional(positionals, 'the publisher id (pub_…)');
    const role = required(values, 'role');
    if (role !== 'owner' && role !== 'viewer') throw new CliError('--role must be owner or viewer.');
    const { data } = await answer(
      api().POST('/v1/admin/publishers/{id}/staff', {
        params: { path: { id } },
        body: { email: required(values, 'email'), role },
      }),
    );
    console.log(
      `${data.email} is invited to ${baseUrl}/publisher as ${data.role}; an invitation was mailed.`,
    );
  },
  async help() {
    console.log(HELP);
  },
};

async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...args] = argv;
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command: ${name}\n\n${HELP}`);
    return 2;
  }
  try {
    await command(args);
    return 0;
  } catch (err) {
    if (err instanceof CliError || (err instanceof TypeError && 'code' in err)) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
