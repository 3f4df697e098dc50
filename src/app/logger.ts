/** @module Structured logging: JSON lines on the console, which Workers Logs and any Node log shipper read. */
import type { LogLevel } from './config';

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function consoleLogger(base: LogFields = {}, minLevel: LogLevel = 'info'): Logger {
  return new ConsoleLogger(base, RANK[minLevel]);
}

/**
 * Methods on the prototype and `child` a plain construction: every request makes a child logger,
 * and one that allocated a closure per level cost more than some whole routes. A child keeps its
 * own fields apart and merges them only when it writes a line, which most never do.
 */
class ConsoleLogger implements Logger {
  constructor(
    private readonly base: LogFields,
    private readonly minRank: number,
    /** The fields of `child` calls, laid over `base` (the caller's object, not copied). */
    private readonly own?: LogFields,
  ) {}

  #write(level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields): void {
    if (RANK[level] < this.minRank) return;
    const line = JSON.stringify({
      level,
      msg,
      time: new Date().toISOString(),
      ...this.base,
      ...this.own,
      ...fields,
    });
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
  }

  info(msg: string, fields?: LogFields): void {
    this.#write('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.#write('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.#write('error', msg, fields);
  }

  child(fields: LogFields): Logger {
    return new ConsoleLogger(this.base, this.minRank, this.own ? { ...this.own, ...fields } : fields);
  }
}
