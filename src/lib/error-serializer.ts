import { pino } from 'pino';

/**
 * SECURITY: what of an error may reach a log line. pino's standard serializer copies every
 * enumerable property, and database errors carry the values of the statement that failed:
 * Sequelize hangs the SQL text (with replacements interpolated) and the bind parameters on the
 * error and on its `original`/`parent`, PostgreSQL's `detail` repeats the conflicting key or the
 * whole failing row (a password hash, an e-mail), and a validation item keeps the rejected value
 * and the model instance. Those keys are dropped at every depth; what stays (type, message, stack,
 * SQLSTATE code, constraint, table, column) says what failed without saying with what.
 */
const VALUE_KEYS: ReadonlySet<string> = new Set([
  'sql',
  'parameters',
  'bind',
  'detail',
  'hint',
  'where',
  'internalQuery',
  'value',
  'values',
  'instance',
  'fields',
  // nodemailer's SMTP errors: the envelope and the server's answer name the recipients.
  'envelope',
  'accepted',
  'rejected',
  'rejectedErrors',
  'response',
  // pg-pool hangs the whole pg client on an idle connection's error: connection parameters,
  // type parsers and stream state in one multi-kilobyte line, and nothing about what happened.
  'client',
]);

const MAX_DEPTH = 6;

/** SQLSTATE class 22 (data exception) messages quote the rejected input: `…: "the value"`. */
const QUOTED_INPUT = /: ".*"$/s;

export function serializeError(error: unknown): unknown {
  const serialized: unknown =
    error instanceof Error ? pino.stdSerializers.err(error) : (error as unknown);
  return scrub(serialized, 0);
}

function scrub(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[nested]';
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    if (VALUE_KEYS.has(key)) continue;
    out[key] = scrub(item, depth + 1);
  }
  if (isDataException(source)) withholdQuotedInput(out);
  return out;
}

function sqlState(error: Record<string, unknown>): string | undefined {
  for (const candidate of [error, error.original, error.parent]) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

const isDataException = (error: Record<string, unknown>) => sqlState(error)?.startsWith('22');

function withholdQuotedInput(out: Record<string, unknown>): void {
  const message = out.message;
  if (typeof message !== 'string' || !QUOTED_INPUT.test(message)) return;
  const safe = message.replace(QUOTED_INPUT, ': [value withheld]');
  out.message = safe;
  if (typeof out.stack === 'string') out.stack = out.stack.split(message).join(safe);
}
