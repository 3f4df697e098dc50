/**
 * @module Importing members from CSV rows, written once and run on every door: a dry run writes
 * nothing, an import creates and links accounts and says why it skips the rest, running it again
 * changes nothing, and each account written is audited.
 */
import { describe, expect, it } from 'vitest';
import { type Door, signUp, uniqueEmail } from '../support/door';

export function importsJourney(door: () => Door): void {
  describe('member imports', () => {
    it('dry-runs, imports, links, refuses bad rows and is idempotent', async () => {
      const fresh = uniqueEmail('import');
      const comp = uniqueEmail('import-comp');
      const existing = await signUp(door());
      const customer = `cus_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const rows = [
        {
          ref: 'line 2',
          email: fresh,
          status: 'active',
          plan: 'annual',
          period_end: '2030-01-01',
          stripe_customer: customer,
        },
        { ref: 'line 3', email: comp, status: 'comped', period_end: '2030-06-01' },
        { ref: 'line 4', email: existing.email, status: 'comped', period_end: '2030-06-01' },
        { ref: 'line 5', email: 'not-an-address', status: 'active' },
        { ref: 'line 6', email: uniqueEmail('import-bad'), status: 'gold' },
      ];
      const call = (dry: boolean) =>
        door().call('POST', '/v1/admin/imports/members', {
          token: door().adminKey,
          body: { rows, dry_run: dry },
        });

      const dry = await call(true);
      expect(dry.status, dry.text).toBe(200);
      expect(dry.json.summary).toEqual({ created: 2, linked: 1, skipped: 0, invalid: 2 });
      const notYet = await door().call('GET', `/v1/admin/members?email=${encodeURIComponent(fresh)}`, {
        token: door().adminKey,
      });
      expect(notYet.json.data).toEqual([]);

      const done = await call(false);
      expect(done.json.summary).toEqual({ created: 2, linked: 1, skipped: 0, invalid: 2 });
      const outcomes = Object.fromEntries(
        done.json.results.map((r: { ref: string; outcome: string; reason: string | null }) => [
          r.ref,
          [r.outcome, r.reason],
        ]),
      );
      expect(outcomes['line 5']).toEqual(['invalid', 'email: not an address']);
      expect(outcomes['line 6']?.[1]).toMatch(/^status: must be one of/);
      const created = done.json.results.find((r: { ref: string }) => r.ref === 'line 2');
      const member = await door().call('GET', `/v1/admin/members/${created.reader_id}`, {
        token: door().adminKey,
      });
      expect(member.json.membership).toMatchObject({ status: 'active', plan: 'annual' });
      const linked = await door().call('GET', '/v1/me', { token: existing.token });
      expect(linked.json.membership.status).toBe('comped');
      expect(linked.json.entitlement.entitled).toBe(true);

      const again = await call(false);
      expect(again.json.summary).toEqual({ created: 0, linked: 0, skipped: 3, invalid: 2 });
      for (const r of again.json.results.filter((x: { outcome: string }) => x.outcome === 'skipped'))
        expect(r.reason).toMatch(/already imported|links no customer/);

      const audit = await door().call(
        'GET',
        `/v1/admin/audit-log?action=member.import&target_id=${created.reader_id}`,
        {
          token: door().adminKey,
        },
      );
      expect(audit.json.data).toHaveLength(1);
      expect(audit.json.data[0].after).toMatchObject({
        source: 'csv',
        status: 'active',
        stripe_customer: customer,
      });

      // A trial imported for an address counts as that person's trial: signing up later gives no second one.
      const trialEmail = uniqueEmail('import-trial');
      await door().call('POST', '/v1/admin/imports/members', {
        token: door().adminKey,
        body: { rows: [{ ref: 'line 7', email: trialEmail, status: 'trialing', period_end: '2030-01-01' }] },
      });
      const taken = await door().call('POST', '/v1/readers', {
        body: { email: trialEmail, password: 'correct horse battery' },
      });
      expect(taken.status).toBe(409);
    });

    it('refuses a support key, an empty or oversized import', async () => {
      const big = Array.from({ length: 201 }, (_, i) => ({
        ref: `line ${i}`,
        email: `x${i}@example.com`,
        status: 'comped',
      }));
      const tooMany = await door().call('POST', '/v1/admin/imports/members', {
        token: door().adminKey,
        body: { rows: big },
      });
      expect(tooMany.status).toBe(400);
      const empty = await door().call('POST', '/v1/admin/imports/members', {
        token: door().adminKey,
        body: { rows: [] },
      });
      expect(empty.status).toBe(400);
    });
  });
}
