/** @module Recognising constraint violations across D1 and libSQL, whose errors differ in shape. */

function messages(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' | ');
}

export function isUniqueViolation(err: unknown, column?: string): boolean {
  const text = messages(err);
  if (!text.includes('UNIQUE constraint failed') && !text.includes('SQLITE_CONSTRAINT')) return false;
  return column === undefined || text.includes(column);
}
