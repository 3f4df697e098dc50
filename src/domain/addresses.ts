/**
 * @module Where the service may send a request of its own (outbound webhooks): IP address
 * classification (IPv4, IPv6, IPv4-mapped and embedded forms) and the rules of a webhook URL.
 */

/** `public` is the only kind a production delivery may reach. */
export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

/** The four bytes of a dotted-decimal IPv4 address, or null. */
export function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : Number.NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

/** The eight 16-bit groups of an IPv6 address (brackets, `::` and a dotted IPv4 tail allowed), or null. */
export function parseIpv6(text: string): number[] | null {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (s.includes('%') || !s.includes(':')) return null;
  const tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (!v4) return null;
    tail.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    // `::ffff:1.2.3.4` → `::ffff`, `::1.2.3.4` → `::`: the groups before the dotted tail.
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const group = (g: string) => (/^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16) : Number.NaN);
  const head = halves[0] ? halves[0].split(':').map(group) : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':').map(group) : [];
  const given = head.length + rest.length + tail.length;
  if ([...head, ...rest].some(Number.isNaN)) return null;
  if (halves.length === 1) return given === 8 ? [...head, ...tail] : null;
  if (given > 7) return null;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

function inV4(bytes: number[], prefix: [number, number, number, number], bits: number): boolean {
  const value = (b: number[]) =>
    (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (value(bytes) & mask) >>> 0 === (value(prefix) & mask) >>> 0;
}

/** What an IPv4 address is (RFC 6890's special-purpose registry). */
export function classifyIpv4(bytes: number[]): AddressKind {
  if (inV4(bytes, [0, 0, 0, 0], 8)) return 'unspecified';
  if (inV4(bytes, [127, 0, 0, 0], 8)) return 'loopback';
  if (inV4(bytes, [10, 0, 0, 0], 8) || inV4(bytes, [172, 16, 0, 0], 12) || inV4(bytes, [192, 168, 0, 0], 16))
    return 'private';
  if (inV4(bytes, [169, 254, 0, 0], 16)) return 'link-local';
  if (inV4(bytes, [100, 64, 0, 0], 10)) return 'shared';
  if (inV4(bytes, [224, 0, 0, 0], 4)) return 'multicast';
  const reserved: [[number, number, number, number], number][] = [
    [[192, 0, 0, 0], 24], // IETF protocol assignments
    [[192, 0, 2, 0], 24], // documentation
    [[192, 88, 99, 0], 24], // 6to4 relay anycast
    [[198, 18, 0, 0], 15], // benchmarking
    [[198, 51, 100, 0], 24], // documentation
    [[203, 0, 113, 0], 24], // documentation
    [[240, 0, 0, 0], 4], // reserved, and the broadcast address
  ];
  return reserved.some(([prefix, bits]) => inV4(bytes, prefix, bits)) ? 'reserved' : 'public';
}

function v4Of(high: number, low: number): number[] {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

/** What an IPv6 address is; IPv4 addresses carried inside one (mapped, NAT64, 6to4) are judged as IPv4. */
export function classifyIpv6(g: number[]): AddressKind {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h = 0, i = 0] = g;
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && i === 1) return 'loopback';
  if (zeroTo(5) && f === 0xffff) return classifyIpv4(v4Of(h, i)); // ::ffff:a.b.c.d
  if (zeroTo(6)) return 'reserved'; // ::a.b.c.d, IPv4-compatible (deprecated)
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return classifyIpv4(v4Of(h, i));
  if (a === 0x64 && b === 0xff9b && c === 1) return 'private'; // local-use NAT64
  if (a === 0x2002) return classifyIpv4(v4Of(b, c)); // 6to4
  if ((a & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((a & 0xffc0) === 0xfe80) return 'link-local';
  if ((a & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((a & 0xff00) === 0xff00) return 'multicast';
  if (a === 0x2001 && b < 0x200) return 'reserved'; // 2001::/23: Teredo, ORCHID, benchmarking…
  if (a === 0x2001 && b === 0xdb8) return 'reserved'; // documentation
  if ((a & 0xe000) !== 0x2000) return 'reserved'; // outside 2000::/3, global unicast
  return 'public';
}

/** The kind of an IP literal (IPv4, IPv6 with or without brackets), or null when `host` is a name. */
export function classifyAddress(host: string): AddressKind | null {
  const v4 = parseIpv4(host);
  if (v4) return classifyIpv4(v4);
  const v6 = parseIpv6(host);
  return v6 ? classifyIpv6(v6) : null;
}

/** `localhost` and its subdomains (RFC 6761: always loopback). */
export function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * The rules of a webhook URL: absolute `https` (plain `http` only to a loopback host, and only
 * outside production), no credentials, no fragment; in production the host is neither `localhost`
 * nor an IP literal that is not public. Names are resolved and checked again when delivering.
 */
export function checkWebhookUrl(raw: string, options: { production: boolean }): WebhookUrlCheck {
  if (raw.length > 2000) return { ok: false, reason: 'The URL is longer than 2000 characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'Not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'Use https' };
  if (url.username || url.password) return { ok: false, reason: 'A webhook URL carries no credentials' };
  if (url.hash || raw.includes('#')) return { ok: false, reason: 'A webhook URL has no fragment' };
  const host = url.hostname;
  const kind = classifyAddress(host);
  const loopback = kind === 'loopback' || (kind === null && isLocalhostName(host));
  if (url.protocol === 'http:') {
    if (options.production || !loopback) {
      return { ok: false, reason: 'Use https (http only to a loopback address, outside production)' };
    }
    return { ok: true, url };
  }
  if (options.production && (loopback || (kind !== null && kind !== 'public'))) {
    return { ok: false, reason: `Not a public address (${kind ?? 'loopback'})` };
  }
  return { ok: true, url };
}
