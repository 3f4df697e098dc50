/**
 * @module The OpenAPI document as a contract: Redocly's recommended rules (with redocly.yaml and
 * its recorded exceptions) find nothing, and every operation has its own stable operationId.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../scripts/api/document';
import { lintReport } from '../../scripts/api/lint';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Document {
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
}

let doc: Document;
beforeAll(async () => {
  doc = (await openApiDocument()) as unknown as Document;
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, ...op })),
  );

describe('the OpenAPI document under Redocly lint', () => {
  it('has no error and no warning', () => {
    const report = lintReport(doc);
    const found = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`,
    );
    expect(found).toEqual([]);
    expect(report.totals.errors).toBe(0);
    expect(report.totals.warnings).toBe(0);
  });

  it('still finds what it should: no operationId, an undeclared tag, no 4xx outside the exceptions', () => {
    const broken = structuredClone(doc) as Document & { paths: Record<string, Record<string, object>> };
    const me = broken.paths['/v1/me']?.get as {
      operationId?: string;
      tags?: string[];
      responses: Record<string, unknown>;
    };
    delete me.operationId;
    me.tags = ['Nowhere'];
    for (const status of Object.keys(me.responses)) if (status.startsWith('4')) delete me.responses[status];
    const rules = lintReport(broken).problems.map((p) => p.ruleId);
    expect(rules.sort()).toEqual([
      'operation-4xx-response',
      'operation-operationId',
      'operation-tag-defined',
    ]);
  });

  it('gives every operation a unique camelCase operationId and a security requirement', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(40);
    expect(ops.filter((op) => !/^[a-z][A-Za-z0-9]*$/.test(op.operationId ?? '')).map((op) => op.at)).toEqual(
      [],
    );
    const ids = ops.map((op) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ops.filter((op) => !Array.isArray(op.security)).map((op) => op.at)).toEqual([]);
  });
});
