import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Query parameters that carry credentials (OAuth callbacks): their values never reach the log. */
const SECRET_PARAMS = new Set([
  'code',
  'state',
  'code_verifier',
  'token',
  'access_token',
  'id_token',
]);

/** The URL with the values of credential-carrying query parameters replaced. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams();
  let changed = false;
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
    const secret = SECRET_PARAMS.has(name);
    changed ||= secret;
    params.append(name, secret ? '[REDACTED]' : value);
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/** Access log line per request, with a request id taken from `x-request-id` when it is sane. */
export function createRequestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id =
        typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: loggableUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
