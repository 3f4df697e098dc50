/** @module Checks one answer against its operation in the OpenAPI document: documented status, documented body (ajv, JSON Schema 2020-12). */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Operation, Schema } from './openapi';

/** Answers any route may give without listing them: auth, routing, body limits, rate limits. */
const GENERIC = new Set([401, 403, 404, 405, 413, 415, 429]);

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

function validator(key: string, schema: Schema): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(key, fn);
  }
  return fn;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** The reasons the answer breaks the document; empty when it conforms. */
export function violations(op: Operation, answer: Answer, problemSchema: Schema): string[] {
  const { status, text } = answer;
  const media = answer.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (status >= 500) return [`${status} server error: ${text.slice(0, 300)}`];
  const documented = op.responses[String(status)];
  if (documented === undefined && !GENERIC.has(status))
    return [`undocumented status ${status}: ${text.slice(0, 200)}`];
  let schema: Schema | undefined;
  let key = `${op.key} ${status} ${media}`;
  if (documented === undefined) {
    if (media !== 'application/problem+json') return [`generic ${status} is not problem+json (${media})`];
    schema = problemSchema;
    key = `problem ${status}`;
  } else if (documented === null) {
    return status === 204 && text !== '' ? [`204 with a body: ${text.slice(0, 100)}`] : [];
  } else {
    schema = documented[media];
    if (!schema)
      return [
        `${status} answered ${media || '(no type)'}, documented: ${Object.keys(documented).join(', ')}`,
      ];
  }
  if (!media.endsWith('json')) return [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${status} ${media} is not JSON: ${text.slice(0, 100)}`];
  }
  const validate = validator(key, schema);
  if (validate(body)) return [];
  return [`${status} body breaks its schema: ${ajv.errorsText(validate.errors)} in ${text.slice(0, 300)}`];
}
