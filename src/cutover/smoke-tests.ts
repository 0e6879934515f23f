import { randomBytes } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { errorMessage } from '../lib/error-message.js';
import { proveSameDatabase } from './smoke-target.js';

export interface SmokeOptions {
  baseUrl: string;
  sequelize: Sequelize;
  /** Called with the throw-away address before it exists, so an interrupted run can remove it. */
  remember(email: string): Promise<void>;
  timeoutMs?: number;
}

/** Removes a throw-away smoke account (and, by cascade, its new-engine row and tokens). */
export async function removeSmokeAccount(sequelize: Sequelize, email: string): Promise<void> {
  await sequelize.query('DELETE FROM users WHERE email = $email', { bind: { email } });
}

/**
 * Smoke tests through the running stack (the proxy when one runs): register, log in on the
 * legacy contract and on the new engine (native and facade), and an admin call. Before writing
 * anything it proves that the stack is served from this database (proveSameDatabase). The
 * throw-away account is made an admin for the admin call and always deleted afterwards, so
 * account counts are the same before and after. Throws with the failing check and the answer.
 */
export async function runSmokeTests(options: SmokeOptions): Promise<string> {
  const { baseUrl, sequelize, timeoutMs = 10_000 } = options;
  await proveSameDatabase(baseUrl, sequelize, timeoutMs);
  const email = `cutover-smoke-${randomBytes(6).toString('hex')}@example.com`;
  const password = `Smoke-${randomBytes(9).toString('base64url')}`;
  await options.remember(email);
  const call = smokeCall(baseUrl, timeoutMs);
  const json = { 'content-type': 'application/json' };
  const credentials = JSON.stringify({ email, password });
  try {
    const reg = await call(
      'register',
      '/auth/register',
      { method: 'POST', headers: json, body: credentials },
      201,
    );
    const login = await call(
      'legacy login',
      '/auth/login',
      { method: 'POST', headers: json, body: credentials },
      200,
    );
    await call(
      'facade login',
      '/fu_auth/legacy/login',
      { method: 'POST', headers: json, body: credentials },
      200,
    );
    const jwt = await call(
      'fu_auth login',
      '/fu_auth/jwt/login',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: email, password }).toString(),
      },
      200,
    );
    const token = (JSON.parse(jwt.body) as { access_token: string }).access_token;
    const auth = { authorization: `Bearer ${token}` };
    await call('fu_auth me', '/fu_auth/users/me', { headers: auth }, 200);
    await sequelize.query(`UPDATE users SET role = 'admin' WHERE email = $email`, {
      bind: { email },
    });
    await call('admin call', '/api/admin/users?limit=1', { headers: auth }, 200);
    const arm = (res: Response) => res.headers.get('x-authshift-arm') ?? 'direct';
    return `all checks passed (register=${arm(reg.res)}, login=${arm(login.res)})`;
  } finally {
    await removeSmokeAccount(sequelize, email);
  }
}

function smokeCall(baseUrl: string, timeoutMs: number) {
  return async (check: string, path: string, init: RequestInit, want: number) => {
    let res: Response;
    try {
      res = await fetch(new URL(path, baseUrl), {
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(`smoke ${check}: ${baseUrl} unreachable (${errorMessage(error)})`);
    }
    const body = await res.text();
    if (res.status !== want)
      throw new Error(
        `smoke ${check}: ${path} answered ${res.status} (wanted ${want}): ${body.slice(0, 200)}`,
      );
    return { res, body };
  };
}
