/**
 * @module What `npm run dev` makes of wrangler's migration output: one line when it worked (how
 * many migrations it applied, or none), the whole output when it did not.
 */

/** The migration files named in wrangler's output, each once. */
function migrationsIn(output: string): string[] {
  return [...new Set(output.match(/\b\d{4}_[A-Za-z0-9_]+\.sql\b/g) ?? [])];
}

/** One line for a run that succeeded; wrangler's own text, whole, for one that failed. */
export function migrationSummary(output: string, status: number | null): string {
  if (status !== 0) return `Database: migrations failed (exit ${status ?? 'signal'}):\n${output}`;
  if (/No migrations to apply/i.test(output)) return 'Database: up to date, no migration to apply.';
  const applied = migrationsIn(output);
  if (applied.length === 0) return 'Database: up to date.';
  const last = applied.at(-1);
  return `Database: ${applied.length} migration${applied.length === 1 ? '' : 's'} applied (up to ${last}).`;
}
