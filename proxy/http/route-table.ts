/**
 * Classifies a request: legacy auth paths (split by the policy), the native new engine
 * (`/fu_auth/*`, gated by `gate_fu_auth`), and everything else (passed through unchanged).
 * SECURITY: matching is case-insensitive and ignores one trailing slash, as Express routing
 * does; otherwise `/FU_AUTH/register` would reach the monolith around the gate.
 */
import type { CredentialField, IdentityField } from '../policy/body-field.js';

export type RouteKind = 'legacy_auth' | 'fu_auth' | 'passthrough';

export interface RouteInfo {
  kind: RouteKind;
  /** Low-cardinality label for metrics and logs. */
  label: string;
  /** Set for the small bodies that are buffered to read the e-mail. */
  identityField?: IdentityField;
  /**
   * Set for the native routes whose body carries a token the new engine issued (reset and
   * verification): with the gate on, such a request has affinity to the new engine, like a bearer
   * token, instead of being anonymous.
   */
  credentialField?: CredentialField;
}

const LEGACY_ROUTES = new Set(['login', 'logout', 'me', 'register', 'change-password']);
const LEGACY_IDENTITY = new Set(['/auth/login', '/auth/register', '/auth/forgot-password']);
const FU_IDENTITY: Record<string, IdentityField> = {
  '/fu_auth/jwt/login': 'username',
  '/fu_auth/cookie/login': 'username',
  '/fu_auth/register': 'email',
  '/fu_auth/forgot-password': 'email',
  '/fu_auth/request-verify-token': 'email',
  '/fu_auth/legacy/login': 'email',
  '/fu_auth/legacy/register': 'email',
};
const FU_CREDENTIAL: Record<string, CredentialField> = {
  '/fu_auth/reset-password': 'token',
  '/fu_auth/verify': 'token',
};

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function canonical(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

export function classifyRoute(method: string, url: string): RouteInfo {
  const path = canonical(pathOf(url));
  const post = method === 'POST';
  if (path === '/auth' || path.startsWith('/auth/')) {
    const name = path.slice('/auth/'.length);
    return {
      kind: 'legacy_auth',
      label: LEGACY_ROUTES.has(name) ? `/auth/${name}` : '/auth/*',
      ...(post && LEGACY_IDENTITY.has(path) ? { identityField: 'email' as const } : {}),
    };
  }
  if (path === '/fu_auth' || path.startsWith('/fu_auth/')) {
    const field = post ? FU_IDENTITY[path] : undefined;
    const credential = post ? FU_CREDENTIAL[path] : undefined;
    return {
      kind: 'fu_auth',
      label: '/fu_auth/*',
      ...(field ? { identityField: field } : {}),
      ...(credential ? { credentialField: credential } : {}),
    };
  }
  if (path.startsWith('/api/')) return { kind: 'passthrough', label: '/api/*' };
  if (path === '/healthz' || path === '/readyz') return { kind: 'passthrough', label: path };
  return { kind: 'passthrough', label: 'other' };
}

/** `/auth/<rest>?q` → `/fu_auth/legacy/<rest>?q`, keeping the client's own spelling of <rest>. */
export function newArmUrl(url: string): string {
  return `/fu_auth/legacy${url.slice('/auth'.length)}`;
}
