/** @module What the bench's Workers need from wrangler.toml: the compatibility date and flags, read from the file itself. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Compatibility } from './instance';

/** wrangler.toml's `compatibility_date` and `compatibility_flags` (top level). */
export function compatibilityOf(root: string): Compatibility {
  const toml = readFileSync(path.join(root, 'wrangler.toml'), 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  return {
    compatibilityDate: date,
    compatibilityFlags: [...(flags ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? ''),
  };
}

/** wrangler.toml's `[vars]` (string values), as a deployed Worker gets them. */
export function varsOf(root: string): Record<string, string> {
  const toml = readFileSync(path.join(root, 'wrangler.toml'), 'utf8');
  const section = /^\[vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? '';
  return Object.fromEntries(
    [...section.matchAll(/^([A-Z_][A-Z0-9_]*)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}
