/**
 * The string a route's body names its user or token by, from a body parsed by the one body reader
 * (src/lib/http/body-reader.ts): a JSON object's string field or a form field. fastapi-users'
 * `EmailStr` fields mean the address inside a "pretty" `Name <addr>` and ignore surrounding
 * whitespace, as the engine does (src/lib/identity/address-in-input.ts); the legacy contract and
 * the OAuth2 form's `username` are taken as typed. Anything else names nobody (anonymous).
 */
import type { ParsedBody } from '../../src/lib/http/body-reader.js';
import { addressInInput } from '../../src/lib/identity/address-in-input.js';

export type BodyField = 'email' | 'username' | 'token';

export function fieldOf(body: ParsedBody, field: BodyField): string | undefined {
  let value: unknown;
  if (body.kind === 'form')
    value = Object.hasOwn(body.fields, field) ? body.fields[field] : undefined;
  else if (body.kind === 'json' && isObject(body.value))
    value = Object.hasOwn(body.value, field) ? body.value[field] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function emailOf(
  body: ParsedBody,
  field: BodyField,
  meaning: 'as_typed' | 'email_str',
): string | undefined {
  const value = fieldOf(body, field);
  if (value === undefined || meaning === 'as_typed') return value;
  const address = addressInInput(value);
  return address === '' ? undefined : address;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
