/**
 * The admin API as the dashboard calls it: the session cookie rides along by itself; every
 * change also carries the dashboard header the server requires (CSRF defence). A 401 means the
 * session ended: back to the login form.
 */
const DASHBOARD_HEADER = 'x-authshift-dashboard';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.issues?.join('; ') || body?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// Calls in flight, so that logging out can let them finish first: one answered after the
// session ended would be a 401 and a console error for nothing.
const inFlight = new Set();
let closing = false;

/** Stops new calls and resolves once those in flight have settled. */
export async function settleCalls() {
  closing = true;
  await Promise.allSettled([...inFlight]);
}

function call(path, init = {}) {
  if (closing) return new Promise(() => {});
  const pending = send(path, init);
  inFlight.add(pending);
  void pending.finally(() => inFlight.delete(pending)).catch(() => {});
  return pending;
}

async function send(path, init) {
  const res = await fetch(path, {
    ...init,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...init.headers },
  });
  if (res.status === 401) {
    window.location.assign('/dashboard/login');
    throw new ApiError(401, { message: 'your session ended; log in again' });
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export const api = {
  policy: () => call('/api/policy').then((b) => b.policy),
  guard: () => call('/api/guard'),
  timeseries: () => call('/api/timeseries'),
  migration: () => call('/api/migration'),
  settings: () => call('/api/dashboard/settings'),
  history: (limit, offset) => call(`/api/policy/history?limit=${limit}&offset=${offset}`),
  change: (change) =>
    call('/api/policy/changes', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [DASHBOARD_HEADER]: '1' },
      body: JSON.stringify(change),
    }),
};
