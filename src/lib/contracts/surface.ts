/**
 * Whose wire format a path answers in: fastapi-users' `{"detail": …}` on `/fu_auth/*` (its legacy
 * facade `/fu_auth/legacy/*` excepted), the legacy contract's `{"error": …}` everywhere else. Used
 * wherever an answer is rendered outside a surface's own router, so that a `/fu_auth` route never
 * answers in the legacy format whatever fails. Case-insensitive and blind to the query, as Express
 * routing is; the proxy's route table (proxy/http/route-table.ts) agrees (pinned by a unit test).
 */
export type Surface = 'legacy' | 'fu';

export function surfaceOf(url: string): Surface {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).toLowerCase();
  const under = (prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  return under('/fu_auth') && !under('/fu_auth/legacy') ? 'fu' : 'legacy';
}
