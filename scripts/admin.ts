/**
 * @module The admin command line (`npm run admin -- <command>`): calls the HTTP admin API with an
 * admin key and prints aligned tables. Plain Node and fetch; see `help` and docs/OPERATIONS.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDotenv } from '../src/lib/dev-secrets';
import { printMember, printMembers, printMetrics, printStatement, table } from './admin-print';

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

interface Problem {
  title?: string;
  detail?: string;
  status?: number;
  errors?: { path: string; message: string }[];
}

// biome-ignore lint/suspicious/noExplicitAny: the CLI prints whatever JSON the API answers
type Json = any;

async function api(method: string, urlPath: string, body?: unknown): Promise<{ status: number; json: Json }> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: {
        authorization: `Bearer ${adminKey()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new CliError(`Cannot reach ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.text();
  const json: Json = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const p = (json ?? {}) as Problem;
    const lines = [`${res.status} ${p.title ?? res.statusText}: ${p.detail ?? text}`];
    for (const e of p.errors ?? []) lines.push(`  ${e.path}: ${e.message}`);
    throw new CliError(lines.join('\n'));
  }
  return { status: res.status, json };
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
    const { json } = await api('POST', '/v1/admin/publishers', { name: required(values, 'name'), origins });
    console.log(`Publisher ${json.publisher.id} created: ${json.publisher.name}`);
    console.log(`Origins:  ${json.publisher.origins.join(', ')}`);
    console.log(`API key:  ${json.api_key}`);
    console.log('The API key is shown this once: store it as a secret of the publisher site.');
  },
  async publishers() {
    const rows: string[][] = [];
    let cursor: string | null = null;
    do {
      const { json }: { json: Json } = await api(
        'GET',
        `/v1/admin/publishers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      for (const p of json.data)
        rows.push([p.id, p.name, p.origins.join(' '), p.api_key_prefix, p.created_at]);
      cursor = json.next_cursor;
    } while (cursor);
    console.log(table(['id', 'name', 'origins', 'key', 'created'], rows));
  },
  async 'key:create'(args) {
    const { values } = options(args, { name: {}, role: {} });
    const { json } = await api('POST', '/v1/admin/keys', {
      name: required(values, 'name'),
      role: required(values, 'role'),
    });
    console.log(`Admin key ${json.key.id} (${json.key.role}) created: ${json.key.name}`);
    console.log(`Key: ${json.api_key}`);
    console.log('The key is shown this once: store it as a secret.');
  },
  async member(args) {
    const who = positional(options(args, {}).positionals, 'a member id or an email');
    let id = who;
    if (!who.startsWith('rdr_')) {
      const { json } = await api('GET', `/v1/admin/members?limit=10&email=${encodeURIComponent(who)}`);
      if (json.data.length === 0) throw new CliError(`No member's email starts with ${who}.`);
      if (json.data.length > 1) {
        console.log(`${json.data.length}${json.next_cursor ? '+' : ''} members match; give one id:`);
        printMembers(json.data);
        return;
      }
      id = json.data[0].id;
    }
    printMember((await api('GET', `/v1/admin/members/${encodeURIComponent(id)}`)).json);
  },
  async members(args) {
    const { values } = options(args, { status: {}, email: {}, limit: {} });
    const query = new URLSearchParams({ limit: String(values.limit ?? 50) });
    if (typeof values.status === 'string') query.set('status', values.status);
    if (typeof values.email === 'string') query.set('email', values.email);
    const { json } = await api('GET', `/v1/admin/members?${query}`);
    printMembers(json.data);
    if (json.next_cursor) console.log('(more: raise --limit, up to 100, or page with the API)');
  },
  async 'trial:end'(args) {
    const id = positional(options(args, {}).positionals, 'a member id');
    const { json } = await api('POST', `/v1/admin/members/${encodeURIComponent(id)}/trial`, {
      ends_at: new Date().toISOString(),
    });
    console.log(`Trial of ${id} ended: membership is now ${json.status}.`);
  },
  async comp(args) {
    const { values, positionals } = options(args, { until: {}, reason: {} });
    const id = positional(positionals, 'a member id');
    const { json } = await api('POST', `/v1/admin/members/${encodeURIComponent(id)}/comp`, {
      until: toInstant(required(values, 'until')),
      reason: required(values, 'reason'),
    });
    console.log(`${id} is ${json.status} until ${json.comp_until}.`);
  },
  async reconcile() {
    for (let run = 1; run <= 1000; run++) {
      const { json } = await api('POST', '/v1/admin/stripe/reconcile');
      console.log(
        `run ${run}: scanned ${json.scanned} events, applied ${json.applied}${json.complete ? ', complete' : ', continuing…'}`,
      );
      if (json.complete) return;
    }
    throw new CliError('Reconciliation did not complete in 1000 runs.');
  },
  async payout(args) {
    const { values } = options(args, { month: {}, amount: {}, currency: {} });
    const amount = Number(required(values, 'amount'));
    if (!Number.isSafeInteger(amount))
      throw new CliError('--amount must be an integer number of minor units.');
    const { status, json } = await api('POST', '/v1/admin/payouts', {
      month: required(values, 'month'),
      amount,
      currency: required(values, 'currency').toUpperCase(),
    });
    printStatement(json, status === 201);
  },
  async metrics(args) {
    const { values } = options(args, { from: {}, to: {} });
    const query = new URLSearchParams();
    if (typeof values.from === 'string') query.set('from', values.from);
    if (typeof values.to === 'string') query.set('to', values.to);
    printMetrics((await api('GET', `/v1/admin/metrics?${query}`)).json);
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
