/** @module The app's own OpenAPI document as a list of operations, with `$ref`s resolved, for the fuzzer and the attack suite. */

/** A JSON Schema (OpenAPI 3.1 = JSON Schema 2020-12) as the document holds it. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  const?: unknown;
  default?: unknown;
  additionalProperties?: boolean | Schema;
  $ref?: string;
}

export interface Parameter {
  in: 'query' | 'path' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  path: string;
  key: string;
  security: string[];
  parameters: Parameter[];
  body?: { required: boolean; schema: Schema };
  /** status → content type → schema (null when the answer has no body). */
  responses: Record<string, Record<string, Schema> | null>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

interface RawOperation {
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

/** Inlines every `#/components/schemas/…` reference (the document has no cycles). */
export function resolve(schema: Schema, doc: OpenApiDocument, depth = 0): Schema {
  if (depth > 20) return schema;
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop() ?? '';
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return resolve(target, doc, depth + 1);
  }
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, doc, depth + 1)]),
    );
  }
  if (schema.items) out.items = resolve(schema.items, doc, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (list) out[key] = list.map((s) => resolve(s, doc, depth + 1));
  }
  if (typeof schema.additionalProperties === 'object') {
    out.additionalProperties = resolve(schema.additionalProperties, doc, depth + 1);
  }
  return out;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const json = op.requestBody?.content['application/json']?.schema;
      const responses: Operation['responses'] = {};
      for (const [status, answer] of Object.entries(op.responses)) {
        responses[status] = answer.content
          ? Object.fromEntries(Object.entries(answer.content).map(([t, c]) => [t, resolve(c.schema, doc)]))
          : null;
      }
      ops.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        security: (op.security ?? []).flatMap((s) => Object.keys(s)),
        parameters: (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema, doc) })),
        ...(json
          ? { body: { required: op.requestBody?.required === true, schema: resolve(json, doc) } }
          : {}),
        responses,
      });
    }
  }
  return ops;
}

/** The dotted paths of every string field of a (resolved) object schema, arrays as `[0]`. */
export function stringFields(schema: Schema, prefix: string[] = []): string[][] {
  if (schema.type === 'string' && !schema.enum) return [prefix];
  if (schema.type === 'array' && schema.items) return stringFields(schema.items, [...prefix, '0']);
  if (schema.properties) {
    return Object.entries(schema.properties).flatMap(([k, v]) => stringFields(v, [...prefix, k]));
  }
  return [];
}

/** A copy of `value` with the field at `path` set to `replacement` (creating objects/arrays on the way). */
export function setPath(value: unknown, path: string[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (/^\d+$/.test(head)) {
    const list = Array.isArray(value) ? [...value] : [];
    list[Number(head)] = setPath(list[Number(head)], rest, replacement);
    return list;
  }
  const obj = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
  (obj as Record<string, unknown>)[head] = setPath((obj as Record<string, unknown>)[head], rest, replacement);
  return obj;
}
