import express, { type Request, type RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { parseInput } from '../../http/validate.js';

/**
 * FastAPI's body handling, which clients can observe through 422s: JSON is parsed only for
 * `application/json` and `*+json`; any other body arrives as bytes; an absent body is "missing".
 * @see https://github.com/fastapi/fastapi/blob/master/fastapi/routing.py (get_request_handler)
 */
const JSON_TYPES = ['application/json', 'application/*+json'];
const LIMIT = '64kb';

export type BodyInput =
  { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'bytes'; text: string };

/** JSON of any kind (pydantic decides what is acceptable), and other bodies as text. */
export function jsonBody(): RequestHandler[] {
  return [
    express.json({ type: JSON_TYPES, strict: false, limit: LIMIT }),
    express.text({ type: (req) => !isJson(req as Request), limit: LIMIT }),
  ];
}

function isJson(req: Request): boolean {
  return Boolean(req.is(JSON_TYPES));
}

export function bodyInput(req: Request): BodyInput {
  if (req.body === undefined) return { kind: 'none' };
  if (isJson(req)) return { kind: 'json', value: req.body };
  return typeof req.body === 'string' ? { kind: 'bytes', text: req.body } : { kind: 'none' };
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
