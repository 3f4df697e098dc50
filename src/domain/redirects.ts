/**
 * @module Where the service may send a browser: a publisher page on one of its registered origins,
 * one of the service's own paths, a Stripe return address. One strict URL check for all of them,
 * made before parsing so that nothing the URL parser would "repair" is trusted.
 */
import { hasControlChars } from './text';

const MAX_URL_LENGTH = 2048;

/**
 * The publisher page a reader may be sent back to, or null. Only an absolute http(s) URL whose
 * origin is exactly one of `origins` passes. Anything the URL parser would "repair" is refused
 * before parsing rather than trusted after it: backslashes (read as `/` in http URLs), userinfo,
 * percent-escapes in the authority, whitespace and control characters, and scheme-relative or
 * non-http forms (`//host`, `https:host`, `javascript:`).
 */
export function parseReturnTo(raw: string, origins: readonly string[]): URL | null {
  const url = parseHttpUrl(raw);
  return url && origins.includes(url.origin) ? url : null;
}

/**
 * An absolute http(s) URL that means what it appears to mean, or null: the checks of
 * `parseReturnTo` without the origin list, for callers that look the origin up themselves.
 */
export function parseHttpUrl(raw: string): URL | null {
  if (raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  if (hasControlChars(raw) || raw.includes('\\')) return null;
  const match = /^(https?):\/\/([^/?#]*)/i.exec(raw);
  const authority = match?.[2];
  if (!authority || authority.includes('@') || authority.includes('%')) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url;
}

/**
 * A same-origin continuation (`next`) of this service's own pages, as a path, or null. Only a
 * path that starts with a single `/` and stays on `publicUrl`'s origin passes.
 */
export function parseNext(raw: string | undefined, publicUrl: string): string | null {
  if (raw === undefined || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\') || hasControlChars(raw)) {
    return null;
  }
  let url: URL;
  try {
    url = new URL(raw, publicUrl);
  } catch {
    return null;
  }
  // Dot segments can collapse into `//host` (`/.//evil.example`): the result is checked, not the input.
  if (url.origin !== new URL(publicUrl).origin || url.pathname.startsWith('//')) return null;
  return `${url.pathname}${url.search}`;
}

/**
 * `url` with `name=value` in its query. The publisher's own query is kept byte for byte (no
 * re-encoding); only earlier `paywall_*` parameters, which this service owns, are dropped.
 */
export function withPaywallParam(url: URL, name: string, value: string): string {
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && !/^paywall_(code|error)(=|$)/.test(part));
  kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `${url.origin}${url.pathname}?${kept.join('&')}${url.hash}`;
}
