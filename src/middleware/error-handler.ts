import type { ErrorRequestHandler, Response } from 'express';
import { AppError, isAppError } from '../errors/app-error.js';
import type { Logger } from '../lib/logger.js';
import { redactUrl } from '../lib/http/redact-url.js';

export type ErrorRenderer = (error: AppError, res: Response) => void;

/**
 * Turns anything thrown into an AppError and lets the surface render it. Unknown errors become
 * INTERNAL with a log line; their message and stack never reach the client.
 */
export function createErrorHandler({
  logger,
  render,
}: {
  logger: Logger;
  render: ErrorRenderer;
}): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const appError = toAppError(error);
    if (appError.status >= 500) {
      logger.error(
        { err: error, reqId: req.id, method: req.method, url: redactUrl(req.originalUrl) },
        'request failed',
      );
    }
    for (const [name, value] of Object.entries(appError.details.headers ?? {}))
      res.setHeader(name, value);
    try {
      render(appError, res);
    } catch (renderError) {
      // The surface's own 500, never another surface's body or Express's HTML page.
      logger.error({ err: renderError, reqId: req.id }, 'error response failed to render');
      if (res.headersSent) return next(renderError);
      render(new AppError('INTERNAL', { cause: renderError }), res);
    }
  };
}

/** body-parser and friends signal bad input with `status`/`type`; keep those as client errors. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  // A path parameter with a broken %-escape names no resource (Starlette: no route matches).
  if (error instanceof URIError) return new AppError('NOT_FOUND', { cause: error });
  const status = (error as { status?: unknown } | null)?.status;
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') {
    return new AppError('VALIDATION_FAILED', {
      issues: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {} }],
      cause: error,
    });
  }
  if (type === 'entity.too.large' || status === 413)
    return new AppError('PAYLOAD_TOO_LARGE', { cause: error });
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('VALIDATION_FAILED', {
      issues: [{ type: 'value_error', loc: ['body'], msg: 'Unreadable request body', input: {} }],
      cause: error,
    });
  }
  return new AppError('INTERNAL', { cause: error });
}
