/**
 * The fields of a form body as one flat record, refusing a name given twice: a repeated field is
 * ambiguous (the proxy used to read the first, the monolith the last), so neither reads it.
 * URL-encoded bodies are parsed by the WHATWG URLSearchParams, multipart bodies by busboy.
 */
import busboy from 'busboy';
import type { BodyRefusal } from '../contracts/body-refusal.js';

export type FormResult =
  { ok: true; fields: Record<string, string> } | { ok: false; refusal: BodyRefusal };

const MAX_PARTS = 32;
/** Content-Transfer-Encodings that leave a part's bytes as they are. */
const IDENTITY_TRANSFER = new Set(['7bit', '8bit', 'binary']);

function collect(entries: Iterable<[string, string]>): FormResult {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of entries) {
    if (Object.hasOwn(fields, name))
      return { ok: false, refusal: { reason: 'repeated_field', field: name } };
    fields[name] = value;
  }
  return { ok: true, fields: { ...fields } };
}

export function urlencodedFields(text: string): FormResult {
  return collect(new URLSearchParams(text));
}

/** Multipart text fields; a file part, a part with another transfer encoding or a broken body is refused. */
export function multipartFields(body: Buffer, contentType: string): Promise<FormResult> {
  return new Promise((resolve) => {
    const fields: [string, string][] = [];
    let refusal: BodyRefusal | undefined;
    const refuse = (why: BodyRefusal) => (refusal ??= why);
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { parts: MAX_PARTS, fieldNameSize: 200 },
      });
    } catch {
      return resolve({ ok: false, refusal: { reason: 'invalid_form' } }); // no boundary
    }
    parser.on('field', (name, value, info) => {
      if (!IDENTITY_TRANSFER.has(info.encoding)) refuse({ reason: 'unsupported_encoding' });
      if (info.nameTruncated || info.valueTruncated) refuse({ reason: 'invalid_form' });
      fields.push([name, value]);
    });
    parser.on('file', (_name, stream) => {
      refuse({ reason: 'invalid_form' });
      stream.resume();
    });
    parser.on('partsLimit', () => refuse({ reason: 'invalid_form' }));
    parser.on('error', () =>
      resolve({ ok: false, refusal: refusal ?? { reason: 'invalid_form' } }),
    );
    parser.on('close', () => resolve(refusal ? { ok: false, refusal } : collect(fields)));
    parser.end(body);
  });
}
