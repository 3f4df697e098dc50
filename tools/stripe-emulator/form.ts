/** @module Parser for Stripe's bracket-nested form encoding (`line_items[0][price]=…`) and typed readers over it. */

import { invalidRequest } from './errors';

export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

const INDEX = /^\d+$/;

/** Splits `a[b][0][]` into `['a', 'b', '0', '']`; a key without brackets is a single segment. */
function segments(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const out = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  for (let m = re.exec(key); m !== null; m = re.exec(key)) out.push(m[1] ?? '');
  return out;
}

function isObject(value: FormValue | undefined): value is FormObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects whose keys are all indexes (`[0]`, `[1]`, or appended with `[]`) become arrays, in index order. */
function finish(value: FormValue): FormValue {
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const out: FormObject = {};
  for (const k of keys) {
    const v = value[k];
    if (v !== undefined) out[k] = finish(v);
  }
  if (keys.length > 0 && keys.every((k) => INDEX.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((i) => out[String(i)])
      .filter((v): v is FormValue => v !== undefined);
  }
  return out;
}

/** Parses `application/x-www-form-urlencoded` text (a body or a query string without `?`). */
export function parseForm(text: string): FormObject {
  const root: FormObject = {};
  const appendCounters = new Map<FormObject, number>();
  for (const [rawKey, rawValue] of new URLSearchParams(text)) {
    const path = segments(rawKey);
    let node = root;
    for (let i = 0; i < path.length; i++) {
      let seg = path[i] ?? '';
      if (seg === '') {
        // `[]` appends: give it the next free index of this container.
        const next = appendCounters.get(node) ?? Object.keys(node).filter((k) => INDEX.test(k)).length;
        appendCounters.set(node, next + 1);
        seg = String(next);
      }
      if (i === path.length - 1) {
        node[seg] = rawValue;
        break;
      }
      const child = node[seg];
      if (isObject(child)) {
        node = child;
      } else {
        const created: FormObject = {};
        node[seg] = created;
        node = created;
      }
    }
  }
  const done = finish(root);
  return isObject(done) ? done : {};
}

/** Canonical text of parsed params, so that the same parameters in another order compare equal. */
export function canonicalParams(params: FormValue): string {
  if (typeof params === 'string') return JSON.stringify(params);
  if (Array.isArray(params)) return `[${params.map(canonicalParams).join(',')}]`;
  const keys = Object.keys(params).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalParams(params[k] ?? '')}`).join(',')}}`;
}

// Readers: each validates like Stripe and throws a 400 that names the parameter.

export function optString(params: FormObject, name: string, param = name): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`Invalid string: ${param} must be a string.`, param);
  return v;
}

export function reqString(params: FormObject, name: string, param = name): string {
  const v = optString(params, name, param);
  if (v === undefined || v === '') throw invalidRequest(`Missing required param: ${param}.`, param);
  return v;
}

export function optInt(params: FormObject, name: string, param = name): number | undefined {
  const v = optString(params, name, param);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw invalidRequest(`Invalid integer: ${v}`, param);
  return Number(v);
}

export function optBool(params: FormObject, name: string, param = name): boolean | undefined {
  const v = optString(params, name, param);
  if (v === undefined || v === '') return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${v}`, param);
}

export function optObject(params: FormObject, name: string, param = name): FormObject | undefined {
  const v = params[name];
  if (v === undefined || v === '') return undefined;
  if (!isObject(v)) throw invalidRequest(`Invalid object: ${param} must be a hash.`, param);
  return v;
}

/** Arrays arrive as `x[0]=…` (an array) but a lone value is accepted as a one-element list. */
export function optList(params: FormObject, name: string, param = name): FormValue[] | undefined {
  const v = params[name];
  if (v === undefined || v === '') return undefined;
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  throw invalidRequest(`Invalid array: ${param} must be an array.`, param);
}

export function optStringList(params: FormObject, name: string): string[] | undefined {
  const list = optList(params, name);
  if (list === undefined) return undefined;
  return list.map((v, i) => {
    if (typeof v !== 'string') throw invalidRequest(`Invalid string: ${name}[${i}]`, `${name}[${i}]`);
    return v;
  });
}

export function asObject(value: FormValue | undefined, param: string): FormObject {
  if (!isObject(value)) throw invalidRequest(`Invalid object: ${param} must be a hash.`, param);
  return value;
}

/**
 * Applies a `metadata` parameter the way Stripe does: keys merge into the existing set,
 * an empty value deletes its key, and `metadata=` (empty string) clears everything.
 */
export function applyMetadata(current: Record<string, string>, params: FormObject): Record<string, string> {
  const raw = params.metadata;
  if (raw === undefined) return current;
  if (raw === '') return {};
  const update = asObject(raw, 'metadata');
  const next = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (typeof v !== 'string') throw invalidRequest(`Invalid string: metadata[${k}]`, `metadata[${k}]`);
    if (k.length > 40) throw invalidRequest(`Metadata keys must be at most 40 characters.`, `metadata[${k}]`);
    if (v.length > 500)
      throw invalidRequest(`Metadata values must be at most 500 characters.`, `metadata[${k}]`);
    if (v === '') delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > 50) throw invalidRequest('Metadata can have at most 50 keys.', 'metadata');
  return next;
}
