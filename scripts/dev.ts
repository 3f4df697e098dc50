/**
 * @module `npm run dev`: the whole system on one machine, offline — the Worker under wrangler (local
 * D1, migrations applied), the local Stripe emulator, with development secrets generated once into
 * `.dev.vars`. Ctrl-C stops everything.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDevSecrets } from '../src/node';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PORT = Number(process.env.PORT ?? 8787);
const EMULATOR_PORT = Number(process.env.STRIPE_EMULATOR_PORT ?? 12111);
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const children: ChildProcess[] = [];

function run(name: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: quietEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (line: string) => (line.trim() ? `[${name}] ${line}` : line);
  child.stdout?.on('data', (d) => process.stdout.write(String(d).split('\n').map(prefix).join('\n')));
  child.stderr?.on('data', (d) => process.stderr.write(String(d).split('\n').map(prefix).join('\n')));
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
function stop(code = 0): void {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const wrangler = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const env = await withDevSecrets({}, path.join(ROOT, '.dev.vars'));

console.log('Applying migrations to the local D1 database…');
const migrate = spawnSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local'], {
  cwd: ROOT,
  env: quietEnv,
  stdio: 'inherit',
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const emulatorCli = path.join(ROOT, 'tools', 'stripe-emulator', 'cli.ts');
if (existsSync(emulatorCli)) {
  run('stripe', [
    '--import',
    'tsx',
    emulatorCli,
    '--port',
    String(EMULATOR_PORT),
    '--webhook-url',
    `http://127.0.0.1:${PORT}/v1/webhooks/stripe`,
  ]);
}
run('worker', [wrangler, 'dev', '--port', String(PORT), '--ip', '127.0.0.1', '--log-level', 'warn']);

console.log(`
  OnePass is starting:
    Service         http://127.0.0.1:${PORT}        (API docs: /openapi.json)
    Stripe emulator http://127.0.0.1:${EMULATOR_PORT}
    Admin API key   ${env.ADMIN_API_KEY}

  Try:  curl -s -X POST http://127.0.0.1:${PORT}/v1/readers -H 'content-type: application/json' \\
          -d '{"email":"you@example.com","password":"a long password"}'
  Ctrl-C stops everything.
`);
