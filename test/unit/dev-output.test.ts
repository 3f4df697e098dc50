/** @module What `npm run dev` prints of its children: one line for the migrations, wrangler's banner and hints dropped, warnings and errors kept. */
import { describe, expect, it } from 'vitest';
import { migrationSummary, showChildLine } from '../../scripts/dev-output';

// Cut from a real first `wrangler d1 migrations apply DB --local` (it draws a table per migration).
const APPLIED = `
 ⛅️ wrangler 4.156.2 (update available 4.164.0)
───────────────────────────────────────────────
Resource location: local

Migrations to be applied:
│ 0000_init.sql                          │
│ 0001_billing.sql                       │
│ 0014_account_passkeys_meter_titles.sql │
? About to apply 3 migration(s)
🚣 16 commands executed successfully.
│ 0000_init.sql                          │ ✅     │
│ 0001_billing.sql                       │ 🕒️    │
│ 0014_account_passkeys_meter_titles.sql │ 🕒️    │
🚣 10 commands executed successfully.
│ 0000_init.sql                          │ ✅     │
│ 0001_billing.sql                       │ ✅     │
│ 0014_account_passkeys_meter_titles.sql │ ✅     │`;

const UP_TO_DATE = ` ⛅️ wrangler 4.156.2 (update available 4.164.0)
───────────────────────────────────────────────
Resource location: local

Use --remote if you want to access the remote instance.

✅ No migrations to apply!`;

describe('migrationSummary', () => {
  it('counts each migration applied now once, whatever tables wrangler drew, beside the total', () => {
    expect(migrationSummary(APPLIED, 0, 15)).toBe(
      'Database: 15 migrations, 3 new applied now (up to 0014_account_passkeys_meter_titles.sql).',
    );
    expect(migrationSummary('│ 0000_init.sql │ ✅ │', 0, 1)).toBe(
      'Database: 1 migration, 1 new applied now (up to 0000_init.sql).',
    );
  });

  it('says so in one line when there is nothing to apply', () => {
    expect(migrationSummary(UP_TO_DATE, 0, 15)).toBe('Database: 15 migrations, all applied before.');
  });

  it('keeps the whole output when wrangler failed', () => {
    const failed = migrationSummary(`${APPLIED}\n✘ [ERROR] near "TABL": syntax error`, 1, 15);
    expect(failed).toMatch(/^Database: migrations failed \(exit 1\):/);
    expect(failed).toContain('syntax error');
    expect(failed).toContain('0001_billing.sql');
    expect(failed).toContain('⛅️ wrangler 4.156.2');
  });
});

describe('showChildLine', () => {
  it("drops wrangler's banner, its rule, the local-only hints and blank lines", () => {
    const shown = UP_TO_DATE.split('\n').filter(showChildLine);
    expect(shown).toEqual(['✅ No migrations to apply!']);
    expect(
      showChildLine('🌀 To execute on your remote database, add a --remote flag to your wrangler command.'),
    ).toBe(false);
    expect(showChildLine('Using secrets defined in .dev.vars')).toBe(false);
    expect(showChildLine('   ')).toBe(false);
  });

  it('keeps warnings and errors, coloured as wrangler writes them into a pipe', () => {
    const warning =
      '\u001b[33m▲ \u001b[43;33m[\u001b[43;30mWARNING\u001b[43;33m]\u001b[0m \u001b[1m{"level":"warn","msg":"access code refused"}\u001b[0m';
    expect(showChildLine(warning)).toBe(true);
    expect(
      showChildLine(
        '\u001b[31m✘ \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m Address already in use',
      ),
    ).toBe(true);
    // A wrangler line that mentions an error is never taken for its banner.
    expect(showChildLine('wrangler 4.156.2 error: could not bundle')).toBe(true);
  });

  it('keeps what the other children say', () => {
    expect(showChildLine('Demo publisher listening on http://localhost:3000')).toBe(true);
    expect(showChildLine('[stripe-emulator] event evt_123 customer.created')).toBe(true);
  });
});
