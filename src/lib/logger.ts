import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';
import { serializeError } from './error-serializer.js';

/** Kept here too: the logger's error serializer is part of what this module promises. */
export { serializeError };

export type Logger = PinoLogger;

/**
 * SECURITY: every path that could carry a secret is censored before it reaches a log line.
 * Request loggers attach headers and bodies under these keys.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-authshift-force-arm"]',
  'req.headers["x-authshift-signature"]',
  'res.headers["set-cookie"]',
  'password',
  'new_password',
  'current_password',
  'hashed_password',
  'token',
  'access_token',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.hashed_password',
  '*.token',
  '*.access_token',
  '*.secret',
  '*.databaseUrl',
];

export interface LoggerOptions {
  level: string;
  name: string;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      serializers: { err: serializeError },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    options.destination,
  );
}

/** A logger that keeps its lines in memory, for tests that assert on what was (not) logged. */
export function memoryLogger(level = 'debug'): { logger: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void chunks.push(line) };
  return { logger: createLogger({ level, name: 'test', destination }), lines: () => chunks };
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
