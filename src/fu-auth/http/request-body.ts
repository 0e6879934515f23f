import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { readableBody, readBody } from '../../middleware/read-body.js';
import { parseInput } from '../../middleware/validate.js';
import { FU_JSON_BODY } from '../../lib/contracts/body-profiles.js';

/**
 * FastAPI's body handling, which clients can observe through 422s: JSON is parsed only for
 * `application/json` and `*+json`; any other body arrives as bytes; an absent body is "missing".
 * Bodies are read by the one body reader the proxy uses too (src/lib/http/body-reader.ts); an
 * unreadable body is refused when the route asks for it, after authentication, as upstream does.
 * @see https://github.com/fastapi/fastapi/blob/master/fastapi/routing.py (get_request_handler)
 */
export type BodyInput =
  { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'bytes'; text: string };

/** JSON of any kind (pydantic decides what is acceptable), and other bodies as text. */
export function jsonBody(): RequestHandler[] {
  return [readBody(FU_JSON_BODY)];
}

export function bodyInput(req: Request): BodyInput {
  const body = readableBody(req);
  if (body.kind === 'json') return { kind: 'json', value: body.value };
  if (body.kind === 'other') return { kind: 'bytes', text: body.text };
  return { kind: 'none' };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A body that is one model (UserCreate, UserUpdate): anything but a JSON object is refused whole. */
export function modelBody<S extends z.ZodType>(schema: S, input: BodyInput): z.output<S> {
  if (input.kind === 'none' || (input.kind === 'json' && input.value === null)) {
    throw new AppError('VALIDATION_FAILED', {
      issues: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
    });
  }
  const value = input.kind === 'json' ? input.value : input.text;
  if (!isObject(value)) {
    throw new AppError('VALIDATION_FAILED', {
      issues: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: value,
        },
      ],
    });
  }
  return parseInput(schema, value);
}

/** Separate `Body(embed=True)` fields: a body that is not an object just lacks every field. */
export function embeddedBody<S extends z.ZodType>(schema: S, input: BodyInput): z.output<S> {
  const value = input.kind === 'json' && isObject(input.value) ? input.value : {};
  return parseInput(schema, value);
}
