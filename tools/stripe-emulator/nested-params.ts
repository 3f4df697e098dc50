/**
 * @module Nested parameters checked as Stripe checks them: a key inside an object parameter
 * (`items[0][quantity]`, `subscription_data[trial_end]`) must be a property of the SDK's nested
 * parameter type (`SubscriptionUpdateParams.Item`), read from the installed `stripe` package's type
 * definitions; Stripe answers `Received unknown parameter: items[0][quantty]`. Types the reader
 * cannot resolve (shared types such as `MetadataParam`, maps) are not checked.
 */

import { invalidRequest } from './errors';
import type { FormObject, FormValue } from './form';

interface Shape {
  /** Property name → its declared type text. */
  props: Map<string, string>;
  /** The namespace path its own nested types live in (`['SubscriptionUpdateParams', 'Item']`). */
  path: string[];
  /** The root type's indentation (0, or 4 inside `namespace Checkout`). */
  base: number;
}

/** Per type-definitions file: its lines and the shapes found in it. */
const parsed = new Map<string, { lines: string[]; shapes: Map<string, Shape | null> }>();

function parsedOf(source: string) {
  let entry = parsed.get(source);
  if (entry === undefined) {
    entry = { lines: source.split('\n'), shapes: new Map() };
    parsed.set(source, entry);
  }
  return entry;
}

const at = (line: string, indent: string, heads: string[]) =>
  line.startsWith(indent) &&
  line[indent.length] !== ' ' &&
  heads.some((h) => line.slice(indent.length).startsWith(h));

/**
 * The interface `name` inside the namespaces `path` of a `.d.ts`, the outermost at `base` spaces
 * (the root type's own indentation: 0, or 4 inside `namespace Checkout`).
 */
function findInterface(lines: string[], base: number, path: string[], name: string): Shape | null {
  let from = 0;
  let to = lines.length;
  let depth = 0;
  for (const ns of path) {
    const indent = ' '.repeat(base + 4 * depth);
    const heads = [`export declare namespace ${ns} {`, `namespace ${ns} {`];
    const start = lines.findIndex((l, i) => i >= from && i < to && at(l, indent, heads));
    if (start < 0) return null;
    const end = lines.findIndex((l, i) => i > start && l === `${indent}}`);
    from = start + 1;
    to = end < 0 ? lines.length : end;
    depth += 1;
  }
  const indent = ' '.repeat(base + 4 * depth);
  const heads = [`export interface ${name} `, `interface ${name} `];
  const start = lines.findIndex((l, i) => i >= from && i < to && at(l, indent, heads) && l.endsWith('{'));
  if (start < 0) return null;
  const prop = new RegExp(`^${indent}    ([a-z_][a-z0-9_]*)\\??: (.+);$`);
  const props = new Map<string, string>();
  for (let i = start + 1; i < to; i++) {
    const line = lines[i] ?? '';
    if (line === `${indent}}`) return { props, path: [...path, name], base };
    const m = prop.exec(line);
    if (m?.[1] && m[2]) props.set(m[1], m[2]);
  }
  return null;
}

/** The nested type a property's declared type names, resolved from where it is declared; null when none. */
function nestedOf(
  { lines, shapes }: ReturnType<typeof parsedOf>,
  root: string,
  within: Shape,
  type: string,
): Shape | null {
  const ref = /\b([A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)+)\b/.exec(type)?.[1];
  if (!ref) return null;
  const parts = ref.split('.');
  const name = parts.pop() ?? '';
  // Qualified from the root (`SubscriptionUpdateParams.Item`) or relative to the declaring interface (`Item.Price`).
  const path = parts[0] === root ? parts : [...within.path.slice(0, -1), ...parts];
  const key = `${root}:${path.join('.')}.${name}`;
  if (!shapes.has(key)) shapes.set(key, findInterface(lines, within.base, path, name));
  return shapes.get(key) ?? null;
}

function isObject(value: FormValue): value is FormObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws `parameter_unknown` for the first key, at any depth, that its nested type does not declare. */
export function refuseUnknownNested(source: string, root: string, params: FormObject): void {
  const file = parsedOf(source);
  const topKey = `${root}:`;
  if (!file.shapes.has(topKey)) {
    const head = new RegExp(`^(\\s*)(export )?interface ${root} \\{$`);
    const line = file.lines.find((l) => head.test(l));
    const base = line === undefined ? 0 : line.length - line.trimStart().length;
    file.shapes.set(topKey, line === undefined ? null : findInterface(file.lines, base, [], root));
  }
  const top = file.shapes.get(topKey) ?? null;
  if (top === null) return;
  const walk = (shape: Shape, value: FormObject, at: string) => {
    for (const [key, child] of Object.entries(value)) {
      const type = shape.props.get(key);
      const name = at === '' ? key : `${at}[${key}]`;
      if (type === undefined) {
        if (at === '') continue; // top-level keys are refused by `refuseUnknownParams`
        throw invalidRequest(`Received unknown parameter: ${name}`, name, 'parameter_unknown');
      }
      const nested = nestedOf(file, root, shape, type);
      if (nested === null) continue;
      const items = Array.isArray(child)
        ? child.map((c, i) => [c, `${name}[${i}]`] as const)
        : [[child, name] as const];
      for (const [item, itemName] of items) if (isObject(item)) walk(nested, item, itemName);
    }
  };
  walk(top, params, '');
}
