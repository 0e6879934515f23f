/**
 * The admin port's one way to fail: every handler throws a ProxyError (or lets Express's body
 * parsers fail), and `renderAdminError` renders it in the proxy's JSON error format with its
 * code (proxy-errors.ts). Unknown paths and wrong methods are errors like any other.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from '../../src/lib/logger.js';
import { ProxyError, sendError } from '../proxy-errors.js';

/** Runs a database call; any failure of it becomes DATABASE_UNAVAILABLE (503). */
export async function databaseCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    throw new ProxyError('DATABASE_UNAVAILABLE', undefined, { cause: error });
  }
}

/** The methods a route answers, as Express recorded them (HEAD comes with GET). */
function allowedMethods(req: Request): string[] {
  const route: unknown = req.route;
  const methods = (route as { methods?: Record<string, boolean> } | undefined)?.methods ?? {};
  const names = Object.keys(methods)
    .filter((name) => name !== '_all' && methods[name])
    .map((name) => name.toUpperCase());
  return names.includes('GET') && !names.includes('HEAD') ? [...names, 'HEAD'] : names;
}

/** The last handler of every route: `router.route(path).get(…).all(methodNotAllowed)`. */
export const methodNotAllowed: RequestHandler = (req, res) => {
  res.setHeader('allow', allowedMethods(req).join(', '));
  throw new ProxyError('METHOD_NOT_ALLOWED');
};

export const notFound: RequestHandler = () => {
  throw new ProxyError('NOT_FOUND');
};

/** Errors of express.json / express.urlencoded (body-parser), by their `type`. */
function bodyParserError(error: unknown): ProxyError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const { type } = error as { type: unknown };
  if (type === 'entity.too.large' || type === 'parameters.too.many')
    return new ProxyError('BODY_TOO_LARGE');
  if (type === 'entity.parse.failed')
    return new ProxyError('INVALID_REQUEST', { issues: ['body: must be JSON'] });
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new ProxyError('BAD_REQUEST_BODY');
  return undefined;
}

export function renderAdminError(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const known = error instanceof ProxyError ? error : bodyParserError(error);
    if (!known) {
      logger.error({ err: error }, 'admin API failed');
      sendError(res, 'INTERNAL');
      return;
    }
    if (known.code === 'DATABASE_UNAVAILABLE')
      logger.warn({ err: known.cause }, 'admin: database unavailable');
    sendError(res, known.code, known.details);
  };
}
