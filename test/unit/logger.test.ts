/** Structured logging: one JSON line per call with the base, child and call fields, below the level nothing. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLogger } from '../../src/app/logger';

afterEach(() => vi.restoreAllMocks());

/** The lines written to each console method, parsed. */
function capture() {
  const lines: Record<string, Array<Record<string, unknown>>> = { log: [], warn: [], error: [] };
  for (const method of ['log', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((line: string) => {
      lines[method]?.push(JSON.parse(line));
    });
  }
  return lines;
}

describe('consoleLogger', () => {
  it('writes level, message, time and the base fields, the call’s own winning', () => {
    const lines = capture();
    consoleLogger({ service: 'onepass', door: 'node' }).info('request', { status: 200, door: 'test' });
    expect(lines.log).toEqual([
      {
        level: 'info',
        msg: 'request',
        time: expect.any(String),
        service: 'onepass',
        door: 'test',
        status: 200,
      },
    ]);
    expect(new Date(lines.log?.[0]?.time as string).toISOString()).toBe(lines.log?.[0]?.time);
  });

  it('lays child fields over the base, nested children over their parent, without touching the parent', () => {
    const lines = capture();
    const root = consoleLogger({ service: 'onepass' });
    const request = root.child({ request_id: 'req_1' });
    const job = request.child({ job: 'reconcile', request_id: 'req_2' });
    request.warn('slow', { ms: 900 });
    job.error('failed', { error: 'boom' });
    root.info('plain');
    expect(lines.warn).toEqual([
      {
        level: 'warn',
        msg: 'slow',
        time: expect.any(String),
        service: 'onepass',
        request_id: 'req_1',
        ms: 900,
      },
    ]);
    expect(lines.error).toEqual([
      {
        level: 'error',
        msg: 'failed',
        time: expect.any(String),
        service: 'onepass',
        request_id: 'req_2',
        job: 'reconcile',
        error: 'boom',
      },
    ]);
    expect(lines.log).toEqual([
      { level: 'info', msg: 'plain', time: expect.any(String), service: 'onepass' },
    ]);
  });

  it('writes nothing below its level, children included', () => {
    const lines = capture();
    const logger = consoleLogger({}, 'warn').child({ request_id: 'req_1' });
    logger.info('request');
    logger.warn('kept');
    consoleLogger({}, 'silent').error('dropped');
    expect(lines.log).toEqual([]);
    expect(lines.warn?.map((l) => l.msg)).toEqual(['kept']);
    expect(lines.error).toEqual([]);
  });
});
