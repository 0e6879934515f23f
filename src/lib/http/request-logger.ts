import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { redactUrl } from './redact-url.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The request id (`x-request-id` when sane, else a new UUID): log lines and hooks carry it. */
    id?: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Access log line per request, with a request id taken from `x-request-id` when it is sane, and
 * the URL's token parameters redacted.
 * The line is pino-http's (`req` {id, method, url}, `res` {statusCode}, `responseTime`,
 * "request completed" at info, "request errored" with `err` at error for a 5xx), written straight
 * to the process logger when the response is done. Unlike pino-http it makes no child logger per
 * request (which serialises the request up front whether or not a line is written), so a request
 * at a level that writes no line costs only its id.
 * Returns the request's id; sets the `x-request-id` response header (the response's first).
 */
export function startAccessLog(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  /** When the request began, if it was already being worked on (src/hot-paths). */
  started = Date.now(),
): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  const done = () => {
    res.removeListener('finish', done);
    res.removeListener('close', done);
    const failed = res.statusCode >= 500;
    const level = failed ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const line = {
      req: { id, method: req.method, url: redactUrl(url) },
      res: { statusCode: res.statusCode },
      responseTime: Date.now() - started,
    };
    if (failed)
      logger.error(
        { ...line, err: new Error(`failed with status code ${res.statusCode}`) },
        'request errored',
      );
    else logger.info(line, 'request completed');
  };
  res.on('finish', done);
  res.on('close', done);
  return id;
}

/** The access log as the Express app's first middleware (`req.id` for the handlers). */
export function createRequestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    req.id = startAccessLog(logger, req, res, req.originalUrl);
    next();
  };
}
