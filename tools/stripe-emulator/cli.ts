/** @module `npm run stripe:emulator`: runs the emulator in the foreground and prints how to point the service at it. */

import { parseArgs } from 'node:util';
import {
  EMULATOR_HOST,
  EMULATOR_PORT,
  EMULATOR_PRICE_ANNUAL,
  EMULATOR_PRICE_MONTHLY,
  EMULATOR_SECRET_KEY,
  EMULATOR_WEBHOOK_SECRET,
} from './constants';
import { startStripeEmulator } from './index';
import { isDeliveryMode } from './webhooks';

const USAGE = `Usage: npm run stripe:emulator -- [options]

  --port <n>             port (env STRIPE_EMULATOR_PORT, default ${EMULATOR_PORT}; 0 = any free port)
  --host <addr>          address to listen on (env STRIPE_EMULATOR_HOST, default ${EMULATOR_HOST})
  --webhook-url <url>    deliver events there; repeatable (env STRIPE_EMULATOR_WEBHOOK_URL, comma-separated)
  --mode <auto|hold|pull> webhook delivery mode (env STRIPE_EMULATOR_MODE, default auto)
  --secret-key <sk>      API key to accept (default ${EMULATOR_SECRET_KEY})
  --webhook-secret <s>   signing secret (default ${EMULATOR_WEBHOOK_SECRET})
  --frozen-clock         the clock moves only when advanced (default: it also follows wall-clock time)
  --state <file>         keep the state in this file across restarts (env STRIPE_EMULATOR_STATE; default: memory only)
  --quiet                do not log requests and deliveries
  --no-banner            no startup text and no [stripe-emulator] prefix (for a parent that adds its own, as npm run dev does)
  --help                 this text
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'webhook-url': { type: 'string', multiple: true },
    mode: { type: 'string' },
    'secret-key': { type: 'string' },
    'webhook-secret': { type: 'string' },
    'frozen-clock': { type: 'boolean' },
    state: { type: 'string' },
    quiet: { type: 'boolean' },
    'no-banner': { type: 'boolean' },
    help: { type: 'boolean' },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const portText = values.port ?? process.env.STRIPE_EMULATOR_PORT ?? String(EMULATOR_PORT);
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`Invalid port: ${portText}`);
const mode = values.mode ?? process.env.STRIPE_EMULATOR_MODE ?? 'auto';
if (!isDeliveryMode(mode)) fail(`Invalid mode: ${mode}`);
const envUrls = (process.env.STRIPE_EMULATOR_WEBHOOK_URL ?? '')
  .split(',')
  .map((u) => u.trim())
  .filter((u) => u !== '');
const webhookUrls = values['webhook-url'] ?? envUrls;
const secretKey = values['secret-key'] ?? EMULATOR_SECRET_KEY;
const webhookSecret = values['webhook-secret'] ?? EMULATOR_WEBHOOK_SECRET;

const stateFile = values.state ?? process.env.STRIPE_EMULATOR_STATE;

const emu = await startStripeEmulator({
  port,
  host: values.host ?? process.env.STRIPE_EMULATOR_HOST ?? EMULATOR_HOST,
  webhookUrls,
  deliveryMode: mode,
  secretKey,
  webhookSecret,
  followRealTime: !values['frozen-clock'],
  ...(stateFile ? { stateFile } : {}),
  log: values.quiet
    ? () => {}
    : (line) => process.stdout.write(`${values['no-banner'] ? '' : '[stripe-emulator] '}${line}\n`),
}).catch((err: unknown) => fail(`Could not start: ${err instanceof Error ? err.message : String(err)}`));

if (!values['no-banner'])
  process.stdout.write(`Local Stripe emulator listening on ${emu.url}

  STRIPE_API_BASE=${emu.url}
  STRIPE_SECRET_KEY=${secretKey}
  STRIPE_WEBHOOK_SECRET=${webhookSecret}
  STRIPE_PRICE_MONTHLY=${EMULATOR_PRICE_MONTHLY}   ($9.99 / month)
  STRIPE_PRICE_ANNUAL=${EMULATOR_PRICE_ANNUAL}     ($99.00 / year)

  state: ${stateFile ? `${stateFile} (kept across restarts)` : 'in memory (--state FILE keeps it)'}
  webhooks (${mode}): ${webhookUrls.length === 0 ? 'no endpoint yet (POST /_emulator/webhook-endpoints)' : webhookUrls.join(', ')}
  controls: ${emu.url}/_emulator/health  (see tools/stripe-emulator/README.md)
  test cards: 4242 4242 4242 4242 pays · 4000 0000 0000 0341 saved but charges fail · 4000 0000 0000 0002 declined

Ctrl-C stops it.
`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  if (!values['no-banner']) process.stdout.write(`\n${signal}: stopping the Stripe emulator\n`);
  void emu.close().then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
