import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, classifyAddress, parseIpv6 } from '../../src/domain/addresses';
import {
  disablesEndpoint,
  isDelivered,
  nextAttemptAt,
  nextAttemptOffset,
  RETRY_WINDOW_SECONDS,
  retrySchedule,
} from '../../src/domain/webhooks';

describe('address classification', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.1', 'public'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['::1.2.3.4', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
  ])('%s is %s', (host, kind) => {
    expect(classifyAddress(host)).toBe(kind);
  });

  it('names and malformed literals are not addresses', () => {
    for (const host of [
      'example.com',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      ':::',
      '1::2::3',
      'fe80::1%eth0',
    ])
      expect(classifyAddress(host)).toBeNull();
  });

  it('parses IPv6 groups with :: anywhere and a dotted tail', () => {
    expect(parseIpv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    expect(parseIpv6('1:2:3:4:5:6:7:8:9')).toBeNull();
  });
});

describe('webhook URL rules', () => {
  const prod = { production: true };
  const dev = { production: false };
  it('accepts public https in production', () => {
    expect(checkWebhookUrl('https://hooks.example.com/onepass?x=1', prod).ok).toBe(true);
    expect(checkWebhookUrl('https://8.8.8.8/h', prod).ok).toBe(true);
  });
  it.each([
    'http://hooks.example.com/h',
    'https://localhost/h',
    'https://api.localhost/h',
    'https://127.0.0.1/h',
    'https://2130706433/h', // 127.0.0.1 as one number: the URL parser normalises it
    'https://0x7f.1/h',
    'https://0.0.0.0/h',
    'https://10.0.0.5/h',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.1.1/h',
    'https://[::1]/h',
    'https://[::ffff:127.0.0.1]/h',
    'https://[fd00::1]/h',
    'https://[fe80::1]/h',
    'http://127.0.0.1:3000/h',
  ])('refuses %s in production', (url) => {
    expect(checkWebhookUrl(url, prod).ok).toBe(false);
  });
  it('allows http to loopback only outside production', () => {
    expect(checkWebhookUrl('http://127.0.0.1:3000/h', dev).ok).toBe(true);
    expect(checkWebhookUrl('http://localhost:3000/h', dev).ok).toBe(true);
    expect(checkWebhookUrl('http://[::1]:3000/h', dev).ok).toBe(true);
    expect(checkWebhookUrl('http://10.0.0.5/h', dev).ok).toBe(false);
    expect(checkWebhookUrl('http://hooks.example.com/h', dev).ok).toBe(false);
    expect(checkWebhookUrl('https://10.0.0.5/h', dev).ok).toBe(true);
  });
  it.each([
    'https://user:pass@hooks.example.com/h',
    'https://user@hooks.example.com/h',
    'https://hooks.example.com/h#frag',
    'ftp://hooks.example.com/h',
    'javascript:alert(1)',
    '/relative',
    `https://hooks.example.com/${'a'.repeat(2000)}`,
  ])('refuses %s everywhere', (url) => {
    expect(checkWebhookUrl(url, dev).ok).toBe(false);
    expect(checkWebhookUrl(url, prod).ok).toBe(false);
  });
});

describe('retry schedule', () => {
  it('doubles from one minute, caps the wait at 12 hours, and ends at exactly 3 days', () => {
    const minutes = retrySchedule().map((s) => s / 60);
    expect(minutes).toEqual([0, 1, 3, 7, 15, 31, 63, 127, 255, 511, 1023, 1743, 2463, 3183, 3903, 4320]);
    expect(retrySchedule().at(-1)).toBe(RETRY_WINDOW_SECONDS);
    const waits = retrySchedule()
      .slice(1)
      .map((s, i) => s - (retrySchedule()[i] ?? 0));
    expect(Math.max(...waits)).toBe(12 * 3600);
  });
  it('is exhausted after the attempt at 3 days', () => {
    expect(nextAttemptOffset(15)).toBe(RETRY_WINDOW_SECONDS);
    expect(nextAttemptOffset(16)).toBeNull();
    expect(nextAttemptOffset(40)).toBeNull();
    const first = new Date('2026-01-01T00:00:00Z');
    expect(nextAttemptAt(first, 1)?.toISOString()).toBe('2026-01-01T00:01:00.000Z');
    expect(nextAttemptAt(first, 15)?.toISOString()).toBe('2026-01-04T00:00:00.000Z');
    expect(nextAttemptAt(first, 16)).toBeNull();
  });
  it('2xx delivers, nothing else does', () => {
    expect([200, 204, 299].every(isDelivered)).toBe(true);
    expect([null, 199, 301, 404, 500].some(isDelivered)).toBe(false);
  });
});

describe('disablement', () => {
  const t = (h: number) => new Date(Date.UTC(2026, 0, 1, h));
  it('disables only an endpoint failing since (or before) the exhausted delivery began', () => {
    expect(disablesEndpoint({ failingSince: t(0), firstAttemptAt: t(0) })).toBe(true);
    expect(disablesEndpoint({ failingSince: t(0), firstAttemptAt: t(5) })).toBe(true);
    // A success after the delivery began reset the endpoint's failing streak.
    expect(disablesEndpoint({ failingSince: t(6), firstAttemptAt: t(5) })).toBe(false);
    expect(disablesEndpoint({ failingSince: null, firstAttemptAt: t(5) })).toBe(false);
  });
});
