/**
 * @module `npm run dev`: the whole system on one machine, offline — the Worker under wrangler (local
 * D1, migrations applied), the local Stripe emulator and the demo publisher site (registered as a
 * publisher on first run, with its webhook endpoint), with development secrets generated once into `.dev.vars`. Ctrl-C stops
 * everything.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { usesEmulator } from '../src/app/config';
import { withDevSecrets } from '../src/app/node-context';
import { migrationSummary, showChildLine } from './dev-output';
import { writeDocsAssets } from './docs-assets';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PORT = Number(process.env.PORT ?? 8787);
const EMULATOR_PORT = Number(process.env.STRIPE_EMULATOR_PORT ?? 12111);
const PUBLISHER_PORT = Number(process.env.PUBLISHER_PORT ?? 3000);
const SERVICE_URL = `http://127.0.0.1:${PORT}`;
const EMULATOR_URL = `http://127.0.0.1:${EMULATOR_PORT}`;
// `localhost` rather than 127.0.0.1: another site for the browser, so the newspaper and OnePass
// keep separate cookies, as they would on two real domains.
const PUBLISHER_URL = `http://localhost:${PUBLISHER_PORT}`;
const PUBLISHER_ORIGINS = [PUBLISHER_URL, `http://127.0.0.1:${PUBLISHER_PORT}`];
/** Beside the local D1 state it belongs to (and, like it, ignored by git). */
const PUBLISHER_FILE = path.join(ROOT, '.wrangler', 'dev-publisher.json');
/** The emulator's state, kept across restarts like the local D1 database (and, like it, ignored by git). */
const EMULATOR_STATE = path.join('data', 'stripe-emulator.json');
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const children: ChildProcess[] = [];

function run(name: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...quietEnv, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Whole lines (a chunk may end mid-line), without blank lines and wrangler's banner and hints.
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    if (stream === null) continue;
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      if (showChildLine(line)) out.write(`[${name}] ${line}\n`);
    });
  }
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`[${name}] exited with code ${code}; stopping the rest.`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
/** Stops the children, then (after a moment for them to shut down cleanly) the script, with `code`. */
function stop(code = 0): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  // Kept referenced: the script waits for it rather than ending (or carrying on) on its own.
  setTimeout(() => process.exit(code), 500);
}
/** Never settles: awaited once stopping, so that nothing after a failed step runs meanwhile. */
const stopped = new Promise<never>(() => {});
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitFor(url: string, what: string, seconds = 90): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline && !stopping) {
    const ok = await fetch(url)
      .then((res) => res.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  if (!stopping) {
    console.error(`${what} did not come up at ${url}; stopping.`);
    stop(1);
  }
  await stopped;
}

interface DemoPublisher {
  id: string;
  apiKey: string;
  origins: string[];
  /** Its webhook endpoint (POST /onepass/webhooks on the demo) and that endpoint's signing secret. */
  webhook?: { id: string; secret: string };
}

async function admin(adminKey: string, method: string, urlPath: string, body?: unknown): Promise<Response> {
  return fetch(`${SERVICE_URL}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A key works when the publisher's own profile answers to it (a read: nothing logged, nothing changed). */
async function keyWorks(apiKey: string): Promise<boolean> {
  const res = await fetch(`${SERVICE_URL}/v1/publisher`, { headers: { authorization: `Bearer ${apiKey}` } });
  await res.body?.cancel();
  return res.status === 200;
}

/**
 * The demo publisher of earlier runs if its key still works; else the same publisher with a
 * rotated key; else (a wiped local database) a new one. Kept in PUBLISHER_FILE for the next run.
 */
async function ensureDemoPublisher(adminKey: string): Promise<DemoPublisher> {
  let stored: DemoPublisher | null = null;
  if (existsSync(PUBLISHER_FILE)) {
    try {
      stored = JSON.parse(readFileSync(PUBLISHER_FILE, 'utf8')) as DemoPublisher;
    } catch {
      stored = null;
    }
  }
  const sameOrigins = stored !== null && PUBLISHER_ORIGINS.every((o) => stored?.origins.includes(o));
  if (stored && sameOrigins && (await keyWorks(stored.apiKey))) return stored;

  let publisher: DemoPublisher | null = null;
  if (stored && sameOrigins) {
    const rotated = await admin(adminKey, 'POST', `/v1/admin/publishers/${stored.id}/rotate-key`);
    if (rotated.ok) {
      const body = (await rotated.json()) as { api_key: string };
      publisher = { ...stored, apiKey: body.api_key };
      console.log('Demo publisher: its stored API key no longer worked; rotated it.');
    }
  }
  if (!publisher) {
    const created = await admin(adminKey, 'POST', '/v1/admin/publishers', {
      name: 'The Daily Example',
      origins: PUBLISHER_ORIGINS,
    });
    if (created.status !== 201)
      throw new Error(`could not register the demo publisher: ${await created.text()}`);
    const body = (await created.json()) as { publisher: { id: string }; api_key: string };
    publisher = { id: body.publisher.id, apiKey: body.api_key, origins: PUBLISHER_ORIGINS };
    // What readers see of it on /titles.
    await admin(adminKey, 'PATCH', `/v1/admin/publishers/${publisher.id}`, {
      description: 'Northbay’s independent daily (a demo): city hall, the harbour, culture and sport.',
      homepage_url: PUBLISHER_URL,
    });
    console.log(`Demo publisher registered: ${publisher.id}`);
  }
  mkdirSync(path.dirname(PUBLISHER_FILE), { recursive: true });
  writeFileSync(PUBLISHER_FILE, `${JSON.stringify(publisher, null, 2)}\n`, { mode: 0o600 });
  return publisher;
}

/**
 * The demo's webhook endpoint, through the publisher API with its key: the one with its URL (its
 * secret known from an earlier run, else rotated to learn a new one; re-enabled if it was
 * disabled), or a new one. The secret is kept in PUBLISHER_FILE and given to the demo.
 */
async function ensureDemoWebhook(publisher: DemoPublisher): Promise<DemoPublisher> {
  const url = `http://127.0.0.1:${PUBLISHER_PORT}/onepass/webhooks`;
  const hooks = '/v1/publisher/webhooks';
  const listed = await admin(publisher.apiKey, 'GET', `${hooks}?limit=100`);
  if (!listed.ok) throw new Error(`could not list the demo's webhook endpoints: ${await listed.text()}`);
  const { data } = (await listed.json()) as { data: { id: string; url: string; enabled: boolean }[] };
  const found = data.find((e) => e.url === url);
  if (found && !found.enabled)
    await admin(publisher.apiKey, 'PATCH', `${hooks}/${found.id}`, { enabled: true });
  if (found && publisher.webhook?.id === found.id) return publisher;
  const res = found
    ? await admin(publisher.apiKey, 'POST', `${hooks}/${found.id}/rotate-secret`)
    : await admin(publisher.apiKey, 'POST', hooks, {
        url,
        events: ['entitlement.ended', 'keys.rotating', 'statement.published'],
        description: 'The demo publisher (npm run dev)',
      });
  if (!res.ok) throw new Error(`could not register the demo's webhook endpoint: ${await res.text()}`);
  const endpoint = (await res.json()) as { id: string; secret: string };
  const next = { ...publisher, webhook: { id: endpoint.id, secret: endpoint.secret } };
  writeFileSync(PUBLISHER_FILE, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  return next;
}

const wrangler = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
// wrangler.toml's [assets] directory: the /docs viewer's script, copied from the installed package.
writeDocsAssets(ROOT);
const env = await withDevSecrets({}, path.join(ROOT, '.dev.vars'));
const adminKey = env.ADMIN_API_KEY ?? '';
// The one switch for real Stripe (STRIPE_API_BASE=stripe, or a real STRIPE_SECRET_KEY, in the
// environment or .dev.vars): then no emulator is started and the Worker talks to Stripe itself.
const emulated = usesEmulator('development', {
  STRIPE_API_BASE: process.env.STRIPE_API_BASE || env.STRIPE_API_BASE || undefined,
  STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY || env.STRIPE_SECRET_KEY || undefined,
});

// wrangler prints a table of the migrations before and after applying them: one line is enough,
// and the whole output only when something went wrong.
const migrate = spawnSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local'], {
  cwd: ROOT,
  env: { ...quietEnv, CI: 'true' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
const migrationFiles = readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql'));
const migrated = migrationSummary(
  `${migrate.stdout}${migrate.stderr}`,
  migrate.status,
  migrationFiles.length,
);
if (migrate.status !== 0) {
  console.error(migrated);
  process.exit(migrate.status ?? 1);
}
console.log(migrated);

if (emulated)
  run('stripe-emulator', [
    '--import',
    'tsx',
    path.join(ROOT, 'tools', 'stripe-emulator', 'cli.ts'),
    '--port',
    String(EMULATOR_PORT),
    '--webhook-url',
    `${SERVICE_URL}/v1/webhooks/stripe`,
    // Customers and subscriptions outlive a restart, as the local D1 database that references them does.
    '--state',
    path.join(ROOT, EMULATOR_STATE),
    // The summary below says what its banner would.
    '--no-banner',
  ]);
run('worker', [
  wrangler,
  'dev',
  '--port',
  String(PORT),
  '--ip',
  '127.0.0.1',
  '--log-level',
  'warn',
  '--var',
  `PUBLIC_URL:${SERVICE_URL}`,
  ...(emulated ? ['--var', `STRIPE_API_BASE:${EMULATOR_URL}`] : []),
  // The meter, so that the demo publisher shows "1 of 3 free articles this month" once a trial ends.
  '--var',
  'METER_FREE_ARTICLES:3',
  // wrangler dev fires no cron: the scheduled handler is reachable at /__scheduled, run below.
  '--test-scheduled',
]);

await waitFor(`${SERVICE_URL}/health`, 'The Worker');
// The scheduled jobs (the mail outbox, reconciliation) every 15 seconds, as the cron would run them:
// welcome mails, receipts and the rest reach the dev inbox without waiting for a trigger.
const SCHEDULED_EVERY_MS = 15_000;
setInterval(() => {
  if (stopping) return;
  fetch(`${SERVICE_URL}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`)
    .then((res) => res.body?.cancel())
    .catch(() => {});
}, SCHEDULED_EVERY_MS).unref();
let publisher: DemoPublisher;
try {
  publisher = await ensureDemoWebhook(await ensureDemoPublisher(adminKey));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  stop(1);
  publisher = await stopped;
}
run('publisher', ['--import', 'tsx', path.join(ROOT, 'examples', 'publisher', 'server.ts')], {
  ONEPASS_URL: SERVICE_URL,
  PUBLISHER_ID: publisher.id,
  PUBLISHER_API_KEY: publisher.apiKey,
  ONEPASS_WEBHOOK_SECRET: publisher.webhook?.secret ?? '',
  PORT: String(PUBLISHER_PORT),
});
await waitFor(`http://127.0.0.1:${PUBLISHER_PORT}/`, 'The demo publisher');

console.log(`
  OnePass is running:
    Demo publisher  ${PUBLISHER_URL}        ← start here: open an article
    Service         ${SERVICE_URL}        (pages: /, /signup, /login, /account, /titles)
    API reference   ${SERVICE_URL}/docs   (OpenAPI: /openapi.json)
    Dev inbox       ${SERVICE_URL}/dev/inbox   (every mail sent: sign-in codes, links)
    ${
      emulated
        ? `Stripe emulator ${EMULATOR_URL}       (test card 4242 4242 4242 4242; state in ${EMULATOR_STATE})`
        : `Stripe          your account (STRIPE_API_BASE=stripe): stripe listen --forward-to ${SERVICE_URL}/v1/webhooks/stripe`
    }
    Admin API key   ${adminKey}

  Ctrl-C stops everything.
`);
