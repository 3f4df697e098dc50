/**
 * @module What `npm run dev` shows of its children's output: one line for wrangler's migrations
 * (the whole output when they fail), and each child's lines without wrangler's banner and hints
 * about our own setup; warnings and errors always pass.
 */

/** The migration files named in wrangler's output, each once. */
function migrationsIn(output: string): string[] {
  return [...new Set(output.match(/\b\d{4}_[A-Za-z0-9_]+\.sql\b/g) ?? [])];
}

/**
 * One line for a run that succeeded (how many migrations the database has, how many were new);
 * wrangler's own text, whole, for one that failed. `total` is the number of migration files.
 */
export function migrationSummary(output: string, status: number | null, total: number): string {
  if (status !== 0) return `Database: migrations failed (exit ${status ?? 'signal'}):\n${output}`;
  const all = `${total} migration${total === 1 ? '' : 's'}`;
  if (/No migrations to apply/i.test(output)) return `Database: ${all}, all applied before.`;
  const applied = migrationsIn(output);
  return `Database: ${all}, ${applied.length} new applied now${applied.length === 0 ? '' : ` (up to ${applied.at(-1)})`}.`;
}

/** Colour and cursor escapes, which wrangler writes even into a pipe. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with the ESC control character.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Lines wrangler prints about itself or about a choice our setup made on purpose (local D1, the
 * `.dev.vars` file): its version banner and the rule under it, "update available", hints to use
 * `--remote`. Nothing here can match a warning (`▲ [WARNING]`) or an error (`✘ [ERROR]`).
 */
const NOISE: readonly RegExp[] = [
  /^⛅️? ?wrangler \d+\.\d+\.\d+/,
  /^[─━-]{8,}$/,
  /^Resource location: local\b/,
  /^Use --remote if you want to access the remote instance\.?$/,
  /^🌀 To execute on your remote database, add a --remote flag/,
  /^Using (vars|secrets) defined in \.dev\.vars$/,
];

/** Whether `npm run dev` shows a line of a child's output: blank lines and wrangler's noise are dropped. */
export function showChildLine(line: string): boolean {
  const text = line.replace(ANSI, '').trim();
  if (text === '') return false;
  if (/\[(WARNING|ERROR)\]|\berror\b/i.test(text)) return true;
  return !NOISE.some((pattern) => pattern.test(text));
}
