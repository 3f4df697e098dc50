/**
 * @module The HTML part of every mail, made from its plain text so the two never disagree: the
 * pages' colours and type, paragraphs kept, links clickable, everything else escaped.
 */
import { escapeHtml, textParts } from '../../lib/html';

function linked(line: string): string {
  return textParts(line)
    .map((part) =>
      part.href
        ? `<a href="${escapeHtml(part.href)}" style="color:#1d4ed8">${escapeHtml(part.text)}</a>`
        : escapeHtml(part.text),
    )
    .join('');
}

export function htmlOf(subject: string, text: string): string {
  const paragraphs = text
    .trim()
    .split(/\n{2,}/)
    .map((block) => `<p style="margin:0 0 16px">${block.split('\n').map(linked).join('<br>')}</p>`)
    .join('\n');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
    '<body style="margin:0;padding:24px;background:#f6f7f9;color:#1f2328;' +
    'font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif">' +
    '<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:24px">' +
    `<p style="margin:0 0 16px;font-weight:700;font-size:18px">OnePass</p>\n${paragraphs}</div></body></html>`
  );
}
