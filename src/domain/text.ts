/** @module Text that is safe to store and to put in a URL: no control or line-separator characters. */

/**
 * True when `value` holds a control character (C0, DEL, C1, line separators) or, unless
 * `spaces` is allowed, whitespace. The URL parser strips or rewrites some of them, so a URL
 * containing them may not mean what it appears to mean.
 */
export function hasControlChars(value: string, spaces = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
    if (c === 0x20 && !spaces) return true;
  }
  return false;
}
