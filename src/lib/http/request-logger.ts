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

/** A request's id and start, when work on it began before the Express app got it (src/hot-paths). */
const begun = new WeakMap<IncomingMessage, { id: string; started: number }>();

export interface AccessLog {
  id: string;
  /**
   * Hands the request on without a line: the listeners and the `x-request-id` header go, and the
   * next access log of the request (the Express app's) keeps this id and start.
   */
  handOver(): void;
}

/**
 * Access log line per request, with a request id taken from `x-request-id` when it is sane, and
 * the URL's token parameters redacted.
 * The line is pino-http's (`req` {id, method, url}, `res` {statusCode}, `responseTime`,
 * "request completed" at info, "request errored" with `err` at error for a 5xx), written straight
 * to the process logger when the response is done. Unlike pino-http it makes no child logger per
 * request (which serialises the request up front whether or not a line is written), so a request
 * at a level that writes no line costs only its id.
 * Sets the `x-request-id` response header (the response's first).
 */
export function startAccessLog(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
): AccessLog {
  const incoming = req.headers['x-request-id'];
  const earlier = begun.get(req);
  const id =
    earlier?.id ??
    (typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID());
  const started = earlier?.started ?? Date.now();
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
  return {
    id,
    handOver() {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      res.removeHeader('x-request-id');
      begun.set(req, { id, started });
    },
  };
}

/** The access log as the Express app's first middleware (`req.id` for the handlers). */
export function createRequestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    req.id = startAccessLog(logger, req, res, req.originalUrl).id;
    next();
  };
}
