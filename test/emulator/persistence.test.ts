/**
 * @module The emulator keeps its state in a file across restarts (what `npm run dev` relies on): a
 * customer and a subscription made through the real SDK are there after a restart on the same
 * file, with the clock, the counters and the webhook endpoints; new objects do not collide with
 * the old ones; an unusable file is reported and the emulator starts empty instead of failing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STATE_FORMAT } from '../../tools/stripe-emulator/persist';
import { checkoutSession, DAY, eventually, startHarness, startReceiver, T0 } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function stateFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulator-state-'));
  dirs.push(dir);
  return path.join(dir, 'data', 'stripe-emulator.json');
}

describe('emulator state in a file', () => {
  it('survives a restart: objects, clock, invoice counter and webhook endpoints; new ids are new', async () => {
    const file = stateFile();
    const receiver = await startReceiver();
    const first = await startHarness({ stateFile: file });
    await first.control.addWebhookEndpoint(receiver.url);
    const { customer, session } = await checkoutSession(first.stripe, { email: 'kept@example.com' });
    const done = await first.control.completeCheckout(session.id);
    if (!done.ok) throw new Error(`checkout failed: ${done.error.message}`);
    const subscriptionId = done.subscription.id;
    await first.control.advance({ seconds: DAY });
    const [oldInvoice] = (await first.stripe.invoices.list({ customer: customer.id })).data;
    await first.control.flush();
    await first.emu.close();

    // Started with another clock start: the saved clock wins.
    const second = await startHarness({ stateFile: file, now: T0 - 100 * DAY });
    try {
      expect((await second.control.clock()).now).toBe(T0 + DAY);
      expect(await second.control.webhookEndpoints()).toEqual([receiver.url]);
      expect(await second.stripe.customers.retrieve(customer.id)).toMatchObject({
        id: customer.id,
        email: 'kept@example.com',
        metadata: { reader_id: 'rdr_test' },
      });
      const sub = await second.stripe.subscriptions.retrieve(subscriptionId);
      expect(sub).toMatchObject({ status: 'active', customer: customer.id });
      const events = await second.stripe.events.list({ limit: 100 });
      expect(events.data.map((e) => e.type)).toContain('customer.subscription.created');
      // The event index is rebuilt: an old event is found by id.
      const oldEvent = events.data.at(-1);
      expect(oldEvent && (await second.stripe.events.retrieve(oldEvent.id)).id).toBe(oldEvent?.id);

      const next = await checkoutSession(second.stripe, { email: 'new@example.com' });
      const again = await second.control.completeCheckout(next.session.id);
      if (!again.ok) throw new Error(`checkout failed: ${again.error.message}`);
      expect(next.customer.id).not.toBe(customer.id);
      expect(again.subscription.id).not.toBe(subscriptionId);
      const [newInvoice] = (await second.stripe.invoices.list({ customer: next.customer.id })).data;
      expect(newInvoice?.id).not.toBe(oldInvoice?.id);
      // The invoice counter went on from where it was, so numbers never repeat.
      const sequence = (invoice: typeof newInvoice) => Number(invoice?.number?.split('-').at(-1));
      expect(sequence(newInvoice)).toBe(sequence(oldInvoice) + 1);
      // The endpoint kept across the restart gets the new subscription's events.
      await second.control.flush();
      expect(receiver.received.map((r) => r.event.data.object)).toContainEqual(
        expect.objectContaining({ id: again.subscription.id }),
      );
    } finally {
      await second.emu.close();
      await receiver.close();
    }
  });

  it('saves shortly after a change while running, in one whole file (no temporary left)', async () => {
    const file = stateFile();
    const h = await startHarness({ stateFile: file });
    try {
      const customer = await h.stripe.customers.create({ email: 'soon@example.com' });
      await eventually(() => {
        const saved = JSON.parse(readFileSync(file, 'utf8'));
        expect(saved.format).toBe(STATE_FORMAT);
        expect(saved.maps.customers.map(([id]: [string]) => id)).toEqual([customer.id]);
      });
      expect(readdirSync(path.dirname(file))).toEqual(['stripe-emulator.json']);
    } finally {
      await h.emu.close();
    }
  });

  it('keeps to memory unless asked: no file is written without stateFile', async () => {
    const file = stateFile();
    const h = await startHarness();
    await h.stripe.customers.create({ email: 'memory@example.com' });
    await h.emu.close();
    expect(existsSync(path.dirname(file))).toBe(false);
    const again = await startHarness();
    try {
      expect(again.emu.state.customers.size).toBe(0);
    } finally {
      await again.emu.close();
    }
  });

  it.each([
    ['not JSON', '{"format": "onepass-stripe-emu', /ignored \(not JSON\)/],
    [
      'another format',
      '{"format": "onepass-stripe-emulator/0"}',
      /ignored \(not a onepass-stripe-emulator\/1 file\)/,
    ],
    [
      'a damaged state',
      JSON.stringify({ format: STATE_FORMAT, offset: 0, now: T0, invoiceSequence: 0, events: [], maps: {} }),
      /ignored \(no webhook state\)/,
    ],
  ])('starts empty, saying so in one line, on %s', async (_name, text, reason) => {
    const file = stateFile();
    const first = await startHarness({ stateFile: file });
    await first.stripe.customers.create({ email: 'old@example.com' });
    await first.emu.close();
    writeFileSync(file, text);
    const lines: string[] = [];
    const h = await startHarness({ stateFile: file, log: (line) => lines.push(line) });
    try {
      const reports = lines.filter((line) => line.includes('state file'));
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatch(reason);
      expect(reports[0]).toMatch(/starting empty$/);
      expect(h.emu.state.customers.size).toBe(0);
      const fresh = await h.stripe.customers.create({ email: 'fresh@example.com' });
      expect(fresh.id).toMatch(/^cus_/);
    } finally {
      await h.emu.close();
    }
    // The unusable file is replaced by a good one.
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.maps.customers).toHaveLength(1);
  });
});
