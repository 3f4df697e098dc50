import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv';
import {
  checkImportRow,
  decideImport,
  type Existing,
  rowFromSubscription,
} from '../../src/domain/member-import';

const NOW = new Date('2026-12-03T00:00:00Z');
const ok = (row: Parameters<typeof checkImportRow>[0]) => {
  const checked = checkImportRow(row, NOW, 7);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.row;
};
const none: Existing = { reader: null, customerOwner: null };

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF, a BOM, blank lines', () => {
    const text = '\uFEFFemail,status\r\n"a,b@example.com",active\n\n"say ""hi""\nthere",x\r\nlast,row';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['email', 'status'] },
      { line: 2, fields: ['a,b@example.com', 'active'] },
      { line: 4, fields: ['say "hi"\nthere', 'x'] },
      { line: 6, fields: ['last', 'row'] },
    ]);
  });
  it('keeps empty fields and a trailing empty field', () => {
    expect(parseCsv('a,,c,\n')).toEqual([{ line: 1, fields: ['a', '', 'c', ''] }]);
  });
  it('names the line of a quote left open or a stray quote', () => {
    expect(() => parseCsv('a\n"open')).toThrow(/line 2: a quoted field is never closed/);
    expect(() => parseCsv('ab"c,d')).toThrow(/line 1: a quote inside an unquoted field/);
  });
});

describe('checkImportRow', () => {
  it('turns each status into the membership it stands for', () => {
    const base = {
      email: 'A@Example.com',
      plan: 'monthly',
      periodEnd: '2027-01-01',
      stripeCustomer: 'cus_abcd1234',
    };
    expect(ok({ ...base, status: 'active' }).membership).toMatchObject({ status: 'active', plan: 'monthly' });
    expect(ok({ ...base, status: 'past_due' }).membership.graceUntil).toEqual(
      new Date('2026-12-10T00:00:00Z'),
    );
    expect(ok({ ...base, status: 'trialing' }).membership).toMatchObject({
      status: 'trialing',
      trialEndsAt: new Date('2027-01-01T00:00:00Z'),
    });
    expect(ok({ ...base, status: 'canceled' }).membership).toMatchObject({
      status: 'canceled',
      cancelAtPeriodEnd: true,
    });
    expect(ok({ ...base, status: 'canceled', periodEnd: '2026-01-01' }).membership).toMatchObject({
      status: 'expired',
      endedReason: 'canceled',
    });
    expect(
      ok({ email: 'c@example.com', status: 'Comped', periodEnd: '2027-06-01T12:00:00Z' }).membership,
    ).toMatchObject({ status: 'comped' });
    expect(ok({ ...base, status: 'active' }).emailKey).toBe('a@example.com');
  });
  it('refuses what it cannot import, saying which field', () => {
    const refuse = (row: Parameters<typeof checkImportRow>[0]) => {
      const checked = checkImportRow(row, NOW, 7);
      return checked.ok ? null : checked.reason;
    };
    expect(refuse({ email: 'nope', status: 'active' })).toMatch(/^email/);
    expect(refuse({ email: 'a@example.com', status: 'gold' })).toMatch(/^status/);
    expect(refuse({ email: 'a@example.com', status: 'active', plan: 'weekly' })).toMatch(/^plan/);
    expect(
      refuse({ email: 'a@example.com', status: 'active', plan: 'monthly', periodEnd: '2027-01-01' }),
    ).toMatch(/^stripe_customer: required/);
    expect(
      refuse({ email: 'a@example.com', status: 'active', plan: 'monthly', stripeCustomer: 'cus_abcd1234' }),
    ).toMatch(/^period_end: required/);
    expect(refuse({ email: 'a@example.com', status: 'trialing', periodEnd: '2026-11-01' })).toMatch(
      /already ended/,
    );
    expect(refuse({ email: 'a@example.com', status: 'trialing', periodEnd: '31/12/2026' })).toMatch(
      /^period_end: not a date/,
    );
    expect(
      refuse({ email: 'a@example.com', status: 'comped', periodEnd: '2027-01-01', stripeCustomer: 'x' }),
    ).toMatch(/^stripe_customer: not/);
  });
});

describe('decideImport', () => {
  const paid = ok({
    email: 'a@example.com',
    status: 'active',
    plan: 'monthly',
    periodEnd: '2027-01-01',
    stripeCustomer: 'cus_abcd1234',
  });
  const reader = { id: 'rdr_1', stripeCustomerId: null, paying: false, comped: false };
  it('creates a new account, links an existing one, and skips what was already imported', () => {
    expect(decideImport(paid, none)).toEqual({ action: 'create' });
    expect(decideImport(paid, { reader, customerOwner: null })).toEqual({
      action: 'link',
      readerId: 'rdr_1',
    });
    expect(
      decideImport(paid, {
        reader: { ...reader, stripeCustomerId: 'cus_abcd1234', paying: true },
        customerOwner: 'rdr_1',
      }),
    ).toMatchObject({
      action: 'skip',
      reason: expect.stringMatching(/already imported/),
    });
  });
  it('never takes another account’s customer, nor overwrites a paying account', () => {
    expect(decideImport(paid, { reader: null, customerOwner: 'rdr_9' })).toMatchObject({
      action: 'skip',
      readerId: 'rdr_9',
    });
    expect(
      decideImport(paid, { reader: { ...reader, stripeCustomerId: 'cus_other99' }, customerOwner: null }),
    ).toMatchObject({ action: 'skip' });
    const trial = ok({ email: 'a@example.com', status: 'trialing', periodEnd: '2027-01-01' });
    expect(decideImport(trial, { reader: { ...reader, paying: true }, customerOwner: null })).toMatchObject({
      action: 'skip',
    });
    expect(decideImport(trial, { reader, customerOwner: null })).toMatchObject({
      action: 'skip',
      reason: expect.stringMatching(/links no customer/),
    });
    const comp = ok({ email: 'a@example.com', status: 'comped', periodEnd: '2027-01-01' });
    expect(decideImport(comp, { reader, customerOwner: null })).toEqual({
      action: 'link',
      readerId: 'rdr_1',
    });
    expect(decideImport(comp, { reader: { ...reader, comped: true }, customerOwner: null })).toMatchObject({
      action: 'skip',
    });
  });
});

describe('rowFromSubscription', () => {
  const sub = {
    id: 'sub_1',
    customerId: 'cus_abcd1234',
    email: 'a@example.com',
    status: 'active',
    plan: 'annual' as const,
    currentPeriodEnd: new Date('2027-12-01T00:00:00Z'),
    trialEnd: null,
    cancelAtPeriodEnd: false,
  };
  it('imports what entitles now, and skips the rest saying why', () => {
    expect(rowFromSubscription(sub)).toMatchObject({
      status: 'active',
      plan: 'annual',
      stripeSubscription: 'sub_1',
      periodEnd: '2027-12-01T00:00:00.000Z',
    });
    expect(rowFromSubscription({ ...sub, cancelAtPeriodEnd: true })).toMatchObject({ status: 'canceled' });
    expect(
      rowFromSubscription({ ...sub, status: 'trialing', trialEnd: new Date('2026-12-20T00:00:00Z') }),
    ).toMatchObject({ status: 'trialing', periodEnd: '2026-12-20T00:00:00.000Z' });
    for (const status of ['canceled', 'incomplete', 'incomplete_expired', 'unpaid', 'paused'])
      expect(rowFromSubscription({ ...sub, status })).toEqual({
        skip: `a ${status} subscription entitles nobody`,
      });
    expect(rowFromSubscription({ ...sub, email: null })).toMatchObject({
      skip: expect.stringMatching(/no email/),
    });
    expect(rowFromSubscription({ ...sub, plan: null })).toMatchObject({
      skip: expect.stringMatching(/plans/),
    });
  });
});
