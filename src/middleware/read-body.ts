/**
 * The monolith's side of the one body reader (src/lib/http/body-reader.ts): Express middleware for
 * the auth routes and `/api`, replacing express.json/urlencoded/raw there, so the monolith and the proxy read
 * every body the same way. A refusal becomes the AppError each surface renders; the proxy renders
 * the same refusal itself with the same builders (src/lib/contracts/body-refusal.ts).
 */
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import type { BodyAccepts } from '../lib/contracts/body-profiles.js';
import { refusalError, type BodyRefusal } from '../lib/contracts/body-refusal.js';
import { readRequestBody, type BodyReading, type ParsedBody } from '../lib/http/body-reader.js';

declare module 'express-serve-static-core' {
  interface Request {
    bodyReading?: BodyReading;
  }
}

export function refusalAppError(refusal: BodyRefusal): AppError {
  const { code, details } = refusalError(refusal);
  return new AppError(code, details);
}

/**
 * Reads the body into `req.bodyReading` and never fails by itself: the route decides when a refusal
 * is thrown (fastapi-users authenticates before it validates a body; see `readableBody`).
 */
export function readBody(accepts: BodyAccepts, limit?: number): RequestHandler {
  return (req, _res, next) => {
    readRequestBody(req, accepts, limit).then(({ reading }) => {
      req.bodyReading = reading;
      next();
    }, next);
  };
}

/** The parsed body, or the refusal thrown as the surface's error. */
export function readableBody(req: Request): ParsedBody {
  const reading = req.bodyReading;
  if (!reading) return { kind: 'none' };
  if (!reading.ok) throw refusalAppError(reading.refusal);
  return reading.body;
}

const isContainer = (value: unknown) => typeof value === 'object' && value !== null;

/**
 * The legacy routes' reader: refusals answer at once, and `req.body` holds what body-parser gave
 * them (a JSON object or array, the form's fields, or nothing), which passport-local reads too.
 * A JSON scalar is invalid JSON to them, as body-parser's strict mode said.
 */
export function readLegacyBody(accepts: BodyAccepts, limit?: number): RequestHandler[] {
  return [
    readBody(accepts, limit),
    (req, _res, next) => {
      try {
        const body = readableBody(req);
        if (body.kind === 'json' && !isContainer(body.value))
          throw refusalAppError({ reason: 'invalid_json' });
        req.body =
          body.kind === 'json' ? body.value : body.kind === 'form' ? body.fields : undefined;
        next();
      } catch (error) {
        next(error);
      }
    },
  ];
}
