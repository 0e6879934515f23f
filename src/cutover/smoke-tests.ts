import { randomBytes } from 'node:crypto';
import type { Sequelize } from 'sequelize';

/**
 * Smoke tests through the running stack (the proxy when one runs): register, log in on the
 * legacy contract and on the new engine (native and facade), and an admin call. The throw-away
 * account is made an admin for the admin call and deleted afterwards, so account counts are the
 * same before and after. Throws with the failing check and the answer it got.
 */
export async function runSmokeTests(
  baseUrl: string,
  sequelize: Sequelize,
  timeoutMs = 10_000,
): Promise<string> {
  const email = `cutover-smoke-${randomBytes(6).toString('hex')}@example.com`;
  const password = `Smoke-${randomBytes(9).toString('base64url')}`;
  const call = async (check: string, path: string, init: RequestInit, want: number) => {
    let res: Response;
    try {
      res = await fetch(new URL(path, baseUrl), {
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(`smoke ${check}: ${baseUrl} unreachable (${(error as Error).message})`);
    }
    const body = await res.text();
    if (res.status !== want)
      throw new Error(
        `smoke ${check}: ${path} answered ${res.status} (wanted ${want}): ${body.slice(0, 200)}`,
      );
    return { res, body };
  };
  const json = { 'content-type': 'application/json' };
  const arms: string[] = [];
  try {
    const reg = await call(
      'register',
      '/auth/register',
      { method: 'POST', headers: json, body: JSON.stringify({ email, password }) },
      201,
    );
    arms.push(`register=${reg.res.headers.get('x-authshift-arm') ?? 'direct'}`);
    const login = await call(
      'legacy login',
      '/auth/login',
      { method: 'POST', headers: json, body: JSON.stringify({ email, password }) },
      200,
    );
    arms.push(`login=${login.res.headers.get('x-authshift-arm') ?? 'direct'}`);
    await call(
      'facade login',
      '/fu_auth/legacy/login',
      { method: 'POST', headers: json, body: JSON.stringify({ email, password }) },
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
    await sequelize.query(`UPDATE users SET role = 'admin' WHERE email = :email`, {
      replacements: { email },
    });
    await call('admin call', '/api/admin/users?limit=1', { headers: auth }, 200);
    return `all checks passed (${arms.join(', ')})`;
  } finally {
    await sequelize.query('DELETE FROM users WHERE email = :email', { replacements: { email } });
  }
}
