/**
 * Classifies a request: legacy auth paths (split by the policy), the native new engine
 * (`/fu_auth/*`, gated by `gate_fu_auth`), and everything else (passed through unchanged). For the
 * routes whose body names the user (or carries a new-engine token), it says how to read the body:
 * the monolith's own body profile for that route (src/lib/contracts/body-profiles.ts) and field.
 * SECURITY: matching is case-insensitive and ignores one trailing slash, as Express routing
 * does; otherwise `/FU_AUTH/register` would reach the monolith around the gate. fastapi-users'
 * routes are strict (a trailing slash is a 307 there, its body is never read), so a trailing
 * slash names no body on them.
 */
import {
  FU_FORM_BODY,
  FU_JSON_BODY,
  LEGACY_JSON_BODY,
  LEGACY_LOGIN_BODY,
  type BodyAccepts,
} from '../../src/lib/contracts/body-profiles.js';
import { surfaceOf, type Surface } from '../../src/lib/contracts/surface.js';
import type { BodyField } from '../policy/identity.js';

export type { Surface };
export type RouteKind = 'legacy_auth' | 'fu_auth' | 'passthrough';

export interface BodyRule {
  accepts: BodyAccepts;
  field: BodyField;
  /** What the field holds: an e-mail as typed, an `EmailStr`, or a reset/verification token. */
  holds: 'email' | 'email_str' | 'reset_token' | 'verify_token';
}

export interface RouteInfo {
  kind: RouteKind;
  /** Low-cardinality label for metrics and logs. */
  label: string;
  /**
   * Whose format every answer the proxy writes itself takes here (the gate's, an unreadable
   * body's, a failure's): the monolith's own classification of the path, never the route kind.
   */
  surface: Surface;
  /** Set for the small bodies the proxy reads to decide (POST only). */
  body?: BodyRule;
}

const LEGACY_ROUTES = new Set(['login', 'logout', 'me', 'register', 'change-password']);
const rule = (accepts: BodyAccepts, field: BodyField, holds: BodyRule['holds']): BodyRule => ({
  accepts,
  field,
  holds,
});
const LEGACY_BODIES: Record<string, BodyRule> = {
  login: rule(LEGACY_LOGIN_BODY, 'email', 'email'),
  register: rule(LEGACY_JSON_BODY, 'email', 'email'),
};
const FU_BODIES: Record<string, BodyRule> = {
  '/fu_auth/jwt/login': rule(FU_FORM_BODY, 'username', 'email'),
  '/fu_auth/cookie/login': rule(FU_FORM_BODY, 'username', 'email'),
  '/fu_auth/register': rule(FU_JSON_BODY, 'email', 'email_str'),
  '/fu_auth/forgot-password': rule(FU_JSON_BODY, 'email', 'email_str'),
  '/fu_auth/request-verify-token': rule(FU_JSON_BODY, 'email', 'email_str'),
  '/fu_auth/reset-password': rule(FU_JSON_BODY, 'token', 'reset_token'),
  '/fu_auth/verify': rule(FU_JSON_BODY, 'token', 'verify_token'),
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
  const raw = pathOf(url).toLowerCase();
  const path = canonical(raw);
  const post = method === 'POST';
  const surface = surfaceOf(url);
  const legacyName = path.startsWith('/auth/')
    ? path.slice('/auth/'.length)
    : path.startsWith('/fu_auth/legacy/')
      ? path.slice('/fu_auth/legacy/'.length)
      : undefined;
  const legacyBody = post && legacyName !== undefined ? LEGACY_BODIES[legacyName] : undefined;
  if (path === '/auth' || path.startsWith('/auth/'))
    return {
      kind: 'legacy_auth',
      label: legacyName && LEGACY_ROUTES.has(legacyName) ? `/auth/${legacyName}` : '/auth/*',
      surface,
      ...(legacyBody ? { body: legacyBody } : {}),
    };
  if (path === '/fu_auth' || path.startsWith('/fu_auth/')) {
    // The legacy facade reads its bodies as the legacy routes do; native routes as fastapi-users.
    const native = post && raw === path ? FU_BODIES[path] : undefined;
    const body = surface === 'legacy' ? legacyBody : native;
    return {
      kind: 'fu_auth',
      label: '/fu_auth/*',
      surface,
      ...(body ? { body } : {}),
    };
  }
  if (path.startsWith('/api/')) return { kind: 'passthrough', label: '/api/*', surface };
  if (path === '/healthz' || path === '/readyz')
    return { kind: 'passthrough', label: path, surface };
  return { kind: 'passthrough', label: 'other', surface };
}

/** `/auth/<rest>?q` → `/fu_auth/legacy/<rest>?q`, keeping the client's own spelling of <rest>. */
export function newArmUrl(url: string): string {
  return `/fu_auth/legacy${url.slice('/auth'.length)}`;
}
