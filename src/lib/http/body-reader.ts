/**
 * The one body reader of the auth routes, used by the monolith (src/middleware/read-body.ts) and by the
 * proxy, so that both read every request body the same way (docs/proxy.md, "Unreadable
 * bodies"; the proxy once read plain UTF-8 JSON and the first form value while the monolith also
 * took a BOM, gzip, UTF-16, multipart and the last repeated field, so clients chose their arm).
 *
 * - one size limit (16 KiB; 64 KiB for the `/api` resources, whose contact notes are longer),
 *   enforced while reading;
 * - `Content-Encoding`: identity only (anything else, gzip included, is 415);
 * - charset: UTF-8 only (another `charset` parameter is 415); one leading BOM is dropped;
 * - JSON (`application/json`, `application/*+json`) nested deeper than 32 levels is refused
 *   before it is parsed; malformed JSON or invalid UTF-8 is 422;
 * - forms: a repeated field is 422 (ambiguous); multipart only where a route reads it;
 * - a format the route does not read is returned as text, never parsed.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parse as parseContentType } from 'content-type';
import type { BodyAccepts } from '../contracts/body-profiles.js';
import { JSON_DEPTH_LIMIT, type BodyRefusal } from '../contracts/body-refusal.js';
import { multipartFields, urlencodedFields } from './form-fields.js';
import { jsonDeeperThan } from './json-depth.js';
import { readLimited } from './read-limited.js';

export const BODY_LIMIT_BYTES = 16 * 1024;
/** `/api/*` (contacts: notes up to 10 000 characters), the limit its express.json had. */
export const API_BODY_LIMIT_BYTES = 64 * 1024;

export type ParsedBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; fields: Readonly<Record<string, string>> }
  | { kind: 'other'; text: string };

export type BodyReading = { ok: true; body: ParsedBody } | { ok: false; refusal: BodyRefusal };

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const refuse = (refusal: BodyRefusal): BodyReading => ({ ok: false, refusal });

/** Reads (at most `limit` bytes, BODY_LIMIT_BYTES unless told) and parses a request body. */
export async function readRequestBody(
  req: IncomingMessage,
  accepts: BodyAccepts,
  limit = BODY_LIMIT_BYTES,
): Promise<{ raw?: Buffer; reading: BodyReading }> {
  const read = await readLimited(req, limit);
  if (!read.ok) return { reading: refuse({ reason: read.reason }) };
  return { raw: read.body, reading: await parseBody(read.body, req.headers, accepts) };
}

interface MediaType {
  type: string | undefined;
  charset: string | undefined;
}

function mediaType(header: string | undefined): MediaType {
  if (!header) return { type: undefined, charset: undefined };
  try {
    const parsed = parseContentType(header);
    return { type: parsed.type, charset: parsed.parameters.charset };
  } catch {
    return { type: undefined, charset: undefined }; // unparsable: read as no known format
  }
}

const isJsonType = (type: string) =>
  type === 'application/json' || /^application\/[^/]+\+json$/.test(type);

export async function parseBody(
  bytes: Buffer,
  headers: IncomingHttpHeaders,
  accepts: BodyAccepts,
): Promise<BodyReading> {
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (bytes.length > 0 && encoding !== 'identity' && encoding !== '')
    return refuse({ reason: 'unsupported_encoding' });
  const media = mediaType(headers['content-type']);
  if (media.charset !== undefined && !/^utf-?8$/i.test(media.charset))
    return refuse({ reason: 'unsupported_charset' });
  const body = bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
  if (body.length === 0) return { ok: true, body: { kind: 'none' } };
  const type = media.type;
  if (accepts.json && type !== undefined && isJsonType(type)) return parseJson(body);
  if (accepts.urlencoded && type === 'application/x-www-form-urlencoded')
    return parseUrlencoded(body);
  if (accepts.multipart && type === 'multipart/form-data')
    return formReading(await multipartFields(body, headers['content-type']!));
  return { ok: true, body: { kind: 'other', text: lenientUtf8.decode(body) } };
}

function parseJson(body: Buffer): BodyReading {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return refuse({ reason: 'invalid_json' });
  }
  if (jsonDeeperThan(text, JSON_DEPTH_LIMIT)) return refuse({ reason: 'json_too_deep' });
  try {
    return { ok: true, body: { kind: 'json', value: JSON.parse(text) as unknown } };
  } catch {
    return refuse({ reason: 'invalid_json' });
  }
}

function parseUrlencoded(body: Buffer): BodyReading {
  try {
    return formReading(urlencodedFields(strictUtf8.decode(body)));
  } catch {
    return refuse({ reason: 'invalid_form' });
  }
}

function formReading(result: Awaited<ReturnType<typeof multipartFields>>): BodyReading {
  return result.ok ? { ok: true, body: { kind: 'form', fields: result.fields } } : result;
}
