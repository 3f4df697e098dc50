#!/usr/bin/env node
/**
 * @module The command `npx @onepass/verify statement <file> --issuer <url> | --jwks <url|file>`:
 * verifies a statement as the API returned it, prints every check, exits 1 when one fails.
 */
import { isRecord } from './lib/guards.js';
import { verifyStatement } from './statement.js';

interface Proc {
  argv: string[];
  exitCode?: number;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}
interface Fs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
}

const proc = (globalThis as unknown as { process: Proc }).process;
// A computed specifier keeps Node's types out of the package (it has none) and the import lazy.
const FS = 'node:fs/promises';

const USAGE = `Usage: onepass-verify statement <file> (--issuer <url> | --jwks <url|file>) [--publisher <id>] [--json]

  <file>       the JSON GET /v1/publisher/statements/{month} answered, with every page of leaves
  --issuer     the service's public URL: the statement's iss must be it, its JWKS is fetched from it
  --jwks       the JWKS instead, as a URL or a file
  --publisher  whose leaves the file holds (default: the file's publisher_id)
  --json       print the result as JSON
`;

function options(args: string[]): { file: string; flags: Map<string, string> } | string {
  const [command, file, ...rest] = args;
  if (command !== 'statement' || !file || file.startsWith('--')) return USAGE;
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i] ?? '';
    if (flag === '--json') flags.set('json', '1');
    else if (['--issuer', '--jwks', '--publisher'].includes(flag) && rest[i + 1] !== undefined) {
      flags.set(flag.slice(2), rest[i + 1] ?? '');
      i++;
    } else return `Unknown or incomplete option ${flag}\n\n${USAGE}`;
  }
  if (!flags.has('issuer') && !flags.has('jwks')) {
    return `Say whose key signs the statement: --issuer or --jwks (the file's own iss is not trusted)\n\n${USAGE}`;
  }
  return { file, flags };
}

async function main(): Promise<number> {
  const parsed = options(proc.argv.slice(2));
  if (typeof parsed === 'string') {
    proc.stderr.write(parsed);
    return 2;
  }
  const fs = (await import(FS)) as Fs;
  let document: unknown;
  try {
    document = JSON.parse(await fs.readFile(parsed.file, 'utf8'));
  } catch (error) {
    proc.stderr.write(`Cannot read ${parsed.file} as JSON: ${(error as Error).message}\n`);
    return 2;
  }
  if (!isRecord(document) || typeof document.statement !== 'string' || !Array.isArray(document.leaves)) {
    proc.stderr.write(`${parsed.file} is not a statement answer ({statement, leaves, …})\n`);
    return 2;
  }
  if (typeof document.next_cursor === 'string') {
    proc.stderr.write(
      `${parsed.file} holds only the first page of leaves: fetch the others (next_cursor) first\n`,
    );
    return 2;
  }
  const jwks = parsed.flags.get('jwks');
  let keys: { keys: unknown[] } | undefined;
  if (jwks !== undefined && !/^https?:\/\//.test(jwks)) {
    const text = JSON.parse(await fs.readFile(jwks, 'utf8')) as unknown;
    if (!isRecord(text) || !Array.isArray(text.keys)) {
      proc.stderr.write(`${jwks} is not a JWKS ({keys: […]})\n`);
      return 2;
    }
    keys = { keys: text.keys };
  }
  const publisherId = parsed.flags.get('publisher') ?? document.publisher_id;
  if (typeof publisherId !== 'string') {
    proc.stderr.write('The file names no publisher_id: say --publisher\n');
    return 2;
  }
  const issuer = parsed.flags.get('issuer');
  const result = await verifyStatement({
    statement: document.statement,
    leaves: document.leaves,
    publisherId,
    ...(keys ? { jwks: keys } : jwks ? { jwksUrl: jwks } : {}),
    ...(issuer ? { issuer } : {}),
  });
  if (parsed.flags.has('json')) {
    proc.stdout.write(`${JSON.stringify({ ok: result.ok, checks: result.checks }, null, 2)}\n`);
  } else {
    for (const check of result.checks) {
      const mark = check.status === 'pass' ? 'ok  ' : check.status === 'fail' ? 'FAIL' : 'skip';
      proc.stdout.write(`${mark} ${check.name.padEnd(12)} ${check.message}\n`);
    }
    proc.stdout.write(
      result.ok
        ? 'The statement verifies.\n'
        : `The statement does NOT verify (${result.failed?.name ?? 'skipped checks'}).\n`,
    );
  }
  return result.ok ? 0 : 1;
}

main().then(
  (code) => {
    proc.exitCode = code;
  },
  (error: unknown) => {
    proc.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    proc.exitCode = 2;
  },
);
