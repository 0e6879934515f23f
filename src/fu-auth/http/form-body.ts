import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '../../errors/app-error.js';

/**
 * Form bodies for the login routes: `application/x-www-form-urlencoded`, and `multipart/form-data`
 * parsed by the platform's own FormData (undici), so no extra dependency. Like Starlette, a
 * repeated key keeps its last value; like FastAPI's Form(), an empty string counts as missing.
 * Any other content type yields no fields (FastAPI reads an empty form).
 */
const LIMIT = '16kb';

export function formBody(): RequestHandler[] {
  return [
    express.urlencoded({ extended: false, limit: LIMIT }),
    express.raw({ type: 'multipart/form-data', limit: LIMIT }),
  ];
}

export async function formFields(req: Request): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  if (Buffer.isBuffer(req.body) && req.is('multipart/form-data')) {
    const response = new Response(req.body, {
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    });
    const form = await response.formData().catch((error: unknown) => {
      throw new AppError('VALIDATION_FAILED', {
        issues: [
          {
            type: 'value_error',
            loc: ['body'],
            msg: 'There was an error parsing the body',
            input: {},
          },
        ],
        cause: error,
      });
    });
    for (const [key, value] of form) {
      if (typeof value === 'string' && value !== '') fields[key] = value;
    }
    return fields;
  }
  if (req.is('application/x-www-form-urlencoded') && typeof req.body === 'object' && req.body) {
    for (const [key, raw] of Object.entries(req.body as Record<string, unknown>)) {
      const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
      if (typeof value === 'string' && value !== '') fields[key] = value;
    }
  }
  return fields;
}
