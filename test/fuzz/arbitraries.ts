/** @module JSON Schema (OpenAPI 3.1) → fast-check arbitraries: values the schema allows, and mutations it refuses. */
import fc from 'fast-check';
import type { Schema } from './openapi';

/** Real values mixed into the generated ones by property name, so that valid requests reach deep code. */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

const isoSecond = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));

function stringArb(schema: Schema): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...schema.enum.map(String));
  if (schema.format === 'date-time') return isoSecond;
  if (schema.format === 'uri')
    return fc.webUrl({ withQueryParameters: true }).filter((u) => u.length <= (schema.maxLength ?? 2048));
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.pattern)
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 1e9));
  const minLength = schema.minLength ?? 0;
  return fc.string({
    minLength,
    maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 40, 40)),
    unit: 'binary',
  });
}

/** Values valid for `schema`; `hints` (by property name) are mixed in. */
export function validValue(schema: Schema, hints: Hints = {}, name?: string): fc.Arbitrary<unknown> {
  const plain = plainValueOf(schema, hints);
  const hint = name ? hints[name] : undefined;
  return hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: plain, weight: 1 }) : plain;
}

function plainValueOf(schema: Schema, hints: Hints): fc.Arbitrary<unknown> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => validValue(v, hints)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'object'];
  const arbs = types.map((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'string':
        return stringArb(schema);
      case 'boolean':
        return fc.boolean();
      case 'integer':
      case 'number': {
        const min =
          schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1e6);
        const max = Math.min(schema.maximum ?? 1e9, Number.MAX_SAFE_INTEGER);
        return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
      }
      case 'array': {
        const minLength = schema.minItems ?? 0;
        return fc.array(validValue(schema.items ?? {}, hints), {
          minLength,
          maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)),
        });
      }
      default: {
        const props = schema.properties ?? {};
        const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validValue(v, hints, k)]));
        return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      }
    }
  });
  return arbs.length === 1 && arbs[0] ? arbs[0] : fc.oneof(...arbs);
}

/** Anything JSON: for wrong types. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** A body the schema refuses (or at least strains): a mutation of a valid one. */
export function invalidBodyOf(schema: Schema, hints: Hints): fc.Arbitrary<unknown> {
  const props = Object.keys(schema.properties ?? {});
  const valid = validValue(schema, hints) as fc.Arbitrary<Record<string, unknown>>;
  const mutations: fc.Arbitrary<unknown>[] = [
    anyJson,
    fc.constantFrom([], 0, 'body', null, true),
    valid.chain((v) =>
      fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), anyJson).map((extra) => ({ ...extra, ...v })),
    ),
  ];
  if (props.length > 0) {
    const field = fc.constantFrom(...props);
    mutations.push(
      fc.tuple(valid, field, anyJson).map(([v, k, x]) => ({ ...v, [k]: x })),
      fc.tuple(valid, field).map(([v, k]) => {
        const { [k]: _dropped, ...rest } = v;
        return rest;
      }),
      fc
        .tuple(valid, field, fc.integer({ min: 257, max: 20_000 }))
        .map(([v, k, n]) => ({ ...v, [k]: 'z'.repeat(n) })),
      fc
        .tuple(valid, field, fc.string({ unit: 'binary', maxLength: 300 }))
        .map(([v, k, s]) => ({ ...v, [k]: s })),
    );
  }
  return fc.oneof(...mutations);
}

/** A raw body that is not what the endpoint takes: random bytes, malformed JSON, another content type. */
export const rawBodyArb: fc.Arbitrary<{ body: Uint8Array | string; contentType: string | undefined }> =
  fc.oneof(
    fc.record({
      body: fc.uint8Array({ maxLength: 2000 }),
      contentType: fc.constantFrom('application/json', undefined),
    }),
    fc.record({
      body: fc
        .json()
        .map((j) => j.slice(0, Math.max(1, j.length - 1)))
        .map((j) => `${j}{`),
      contentType: fc.constant('application/json'),
    }),
    fc.record({
      body: fc.json(),
      contentType: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=utf-16',
        undefined,
      ),
    }),
    fc.record({
      body: fc.constantFrom('', '{"a":', '\u0000', '[]', 'null', '{"__proto__":{"admin":true}}'),
      contentType: fc.constant('application/json'),
    }),
  );
