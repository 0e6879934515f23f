/**
 * Cookie names and markers that the monolith's two engines and the proxy must agree on. They are
 * part of the wire contracts (docs/design/contracts/legacy.md, docs/design/contracts/fu_auth.md), so they live once, here.
 */

/** The legacy contract's session cookie; both engines issue it (legacy: `s:<sid>.<sig>`). */
export const LEGACY_SESSION_COOKIE = 'crm.sid';

/** The legacy facade's `crm.sid` values start with this (`fu.<token>`). */
export const FACADE_SESSION_PREFIX = 'fu.';

/** fastapi-users' cookie transport (database strategy token). */
export const FU_AUTH_COOKIE = 'fastapiusersauth';

/** The signed routing claim both engines set next to a session (see route-claim.ts). */
export const ROUTE_COOKIE = 'authshift_route';
