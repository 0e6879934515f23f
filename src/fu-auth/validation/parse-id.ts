/**
 * fastapi-users' UUID id parsing is Python's `uuid.UUID(str)`: it drops `urn:` and `uuid:`, strips
 * braces at both ends, removes every hyphen and wants 32 hex digits. So upper-case, dash-less and
 * `{…}` ids address the same user, and anything else is "not found" (404), never 422.
 * @see https://github.com/python/cpython/blob/main/Lib/uuid.py (UUID.__init__)
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/manager.py (UUIDIDMixin)
 */
export function parseId(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const hex = value
    .replaceAll('urn:', '')
    .replaceAll('uuid:', '')
    .replace(/^[{}]+|[{}]+$/g, '')
    .replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
