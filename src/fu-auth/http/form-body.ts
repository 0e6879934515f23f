import type { Request, RequestHandler } from 'express';
import { readableBody, readBody } from '../../middleware/read-body.js';
import { FU_FORM_BODY } from '../../lib/contracts/body-profiles.js';

/**
 * Form bodies for the login routes: `application/x-www-form-urlencoded` and `multipart/form-data`,
 * read by the one body reader the proxy uses too (src/lib/http/body-reader.ts; multipart through
 * busboy). A field given twice is refused (422) there: it is ambiguous. Like FastAPI's Form(), an
 * empty string counts as missing. Any other content type yields no fields (FastAPI reads an empty
 * form).
 */
export function formBody(): RequestHandler[] {
  return [readBody(FU_FORM_BODY)];
}

export function formFields(req: Request): Record<string, string> {
  const body = readableBody(req);
  const fields: Record<string, string> = {};
  if (body.kind !== 'form') return fields;
  for (const [key, value] of Object.entries(body.fields)) if (value !== '') fields[key] = value;
  return fields;
}
