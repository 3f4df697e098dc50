/** What `npm run dev` prints of wrangler's migration output: one line on success, everything on failure. */
import { describe, expect, it } from 'vitest';
import { migrationSummary } from '../../scripts/dev-output';

// Cut from a real `wrangler d1 migrations apply DB --local` run (both tables name every file).
const APPLIED = `Migrations to be applied:
│ 0000_init.sql                          │
│ 0001_billing.sql                       │
│ 0014_account_passkeys_meter_titles.sql │
? About to apply 3 migration(s)
🚣 16 commands executed successfully.
│ 0000_init.sql                          │ ✅     │
│ 0001_billing.sql                       │ ✅     │
│ 0014_account_passkeys_meter_titles.sql │ ✅     │`;

describe('migrationSummary', () => {
  it('counts each applied migration once, whatever tables wrangler drew', () => {
    expect(migrationSummary(APPLIED, 0)).toBe(
      'Database: 3 migrations applied (up to 0014_account_passkeys_meter_titles.sql).',
    );
    expect(migrationSummary('│ 0000_init.sql │ ✅ │', 0)).toBe(
      'Database: 1 migration applied (up to 0000_init.sql).',
    );
  });

  it('says so in one line when there is nothing to apply', () => {
    expect(migrationSummary('⛅️ wrangler 4\n✅ No migrations to apply!', 0)).toBe(
      'Database: up to date, no migration to apply.',
    );
  });

  it('keeps the whole output when wrangler failed', () => {
    const failed = migrationSummary(`${APPLIED}\n✘ [ERROR] near "TABL": syntax error`, 1);
    expect(failed).toMatch(/^Database: migrations failed \(exit 1\):/);
    expect(failed).toContain('syntax error');
    expect(failed).toContain('0001_billing.sql');
  });
});
