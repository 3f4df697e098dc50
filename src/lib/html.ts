/** @module Text into HTML: escaping, and the links inside plain text (mail bodies), found once. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** An http(s) URL in running text, without the punctuation that ends its sentence. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/** Plain text cut into its text and its links, in order. */
export function textParts(text: string): { text: string; href?: string }[] {
  const parts: { text: string; href?: string }[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const at = match.index ?? 0;
    parts.push({ text: text.slice(last, at) }, { text: match[0], href: match[0] });
    last = at + match[0].length;
  }
  parts.push({ text: text.slice(last) });
  return parts;
}
