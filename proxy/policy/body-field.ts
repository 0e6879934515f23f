/**
 * A string field of a small request body the proxy buffered to decide: the e-mail a login,
 * registration, forgot-password or request-verify-token body names (JSON `{"email": …}`, or a
 * form-encoded field: `email` for the legacy contract, `username` for fastapi-users' OAuth2
 * password form), or the new engine's reset or verification `token`. Anything unreadable yields
 * undefined: the upstream, not the proxy, tells the client what is wrong with its body.
 */
export type IdentityField = 'email' | 'username';
/** A body field that carries a credential only the new engine issues. */
export type CredentialField = 'token';

export function fieldFromBody(
  body: Buffer,
  contentType: string | undefined,
  field: IdentityField | CredentialField,
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
