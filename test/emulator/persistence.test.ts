/**
 * The emulator keeps its state in a file across restarts (what `npm run dev` relies on): a customer
 * and a subscription made through the real SDK are there after a restart on the same file, new
 * objects do not collide with them, and an unusable file starts the emulator empty instead of failing.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutSession, sdk, startHarness, T0 } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function stateFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulator-state-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'stripe-emulator.json');
}

describe('emulator state in a file', () => {
  it('survives a restart: the same customers, subscriptions and events, new ids distinct', async () => {
    const file = stateFile();
    const first = await startHarness({ stateFile: file });
    const { customer, session } = await checkoutSession(first.stripe, {
      email: 'kept@example.com',
      trialEnd: T0 + 14 * 86_400,
    });
    const completed = await first.control.completeCheckout(session.id);
    if (!completed.ok) throw new Error(completed.error.message);
    const subscription = completed.subscription;
    await first.emu.close();
    expect(statSync(file).size).toBeGreaterThan(0);

    const second = await startHarness({ stateFile: file, now: T0 });
    try {
      const again = await second.stripe.customers.retrieve(customer.id);
      expect(again).toMatchObject({
        id: customer.id,
        email: 'kept@example.com',
        metadata: { reader_id: 'rdr_test' },
      });
      const sub = await second.stripe.subscriptions.retrieve(
        typeof subscription === 'string' ? subscription : subscription.id,
      );
      expect(sub.status).toBe('trialing');
      expect(sub.customer).toBe(customer.id);
      expect(second.emu.state.events.map((e) => e.type)).toContain('customer.subscription.created');
      const other = await second.stripe.customers.create({ email: 'new@example.com' });
      expect(other.id).not.toBe(customer.id);
      expect([...second.emu.state.customers.keys()].sort()).toEqual([customer.id, other.id].sort());
    } finally {
      await second.emu.close();
    }
  });

  it('writes the file whole: what is on disk always parses', async () => {
    const file = stateFile();
    const emu = await startHarness({ stateFile: file });
    for (let i = 0; i < 5; i++) await emu.stripe.customers.create({ email: `n${i}@example.com` });
    await emu.emu.close();
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.format).toBe('onepass-stripe-emulator/1');
    expect(saved.maps.customers).toHaveLength(5);
  });

  it('starts empty, and says so, when the file cannot be used', async () => {
    const file = stateFile();
    const lines: string[] = [];
    const first = await startHarness({ stateFile: file });
    await first.emu.close();
    writeFileSync(file, '{"format": "something else"}');
    const emu = await startHarness({ stateFile: file, log: (line) => lines.push(line) });
    try {
      expect(lines.join('\n')).toMatch(
        /state file .* ignored \(not a onepass-stripe-emulator\/1 file\); starting empty/,
      );
      expect(emu.emu.state.customers.size).toBe(0);
      // And the emulator works: the SDK can create on it.
      expect((await sdk(emu.emu.port).customers.create({ email: 'fresh@example.com' })).id).toMatch(/^cus_/);
    } finally {
      await emu.emu.close();
    }
  });
});
