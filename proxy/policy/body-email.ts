/**
 * The e-mail a login, registration or forgot-password body names: JSON `{"email": …}`, or a
 * form-encoded field (`email` for the legacy contract, `username` for fastapi-users' OAuth2
 * password form). Anything unreadable yields undefined: the upstream, not the proxy, tells the
 * client what is wrong with its body.
 */
export type IdentityField = 'email' | 'username';

export function emailFromBody(
  body: Buffer,
  contentType: string | undefined,
  field: IdentityField,
): string | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const value = new URLSearchParams(text).get(field);
    return value ? value : undefined;
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const value = (parsed as Record<string, unknown>)[field];
        return typeof value === 'string' && value !== '' ? value : undefined;
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}
