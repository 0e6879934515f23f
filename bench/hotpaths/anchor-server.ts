/**
 * The anchor of the hot-path benchmark: a bare `node:http` server doing the essential work of each
 * measured request and nothing else — verify the credential with the library the monolith uses
 * (jose for the JWT, cookie-signature for express-session's id, the `cookie` parser), the same
 * queries as prepared statements through one pg pool of the monolith's DATABASE_POOL_MAX, and the
 * same JSON. No routing framework, no logging, no session objects: what the work costs on this
 * machine. It reads the monolith's configuration (secrets, lifetimes, pool size) from the same
 * environment, so both sides accept the same credentials.
 */
import http from 'node:http';
import { createSecretKey } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import { unsign } from 'cookie-signature';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.js';
import {
  FACADE_SESSION_PREFIX,
  FU_AUTH_COOKIE,
  LEGACY_SESSION_COOKIE,
} from '../../src/lib/contracts/cookies.js';
import { ACCESS_AUDIENCE } from '../../src/lib/contracts/fu-jwt.js';

const config = loadConfig(process.env);
const pool = new pg.Pool({
  connectionString: config.database.url,
  max: config.database.poolMax,
  application_name: 'authshift-bench-anchor',
});
const jwtKey = createSecretKey(Buffer.from(config.fuAuth.jwtSecret));

const FU_COLUMNS = 'id, email, is_active, is_superuser, is_verified, legacy_user_id';
const Q = {
  fuById: { name: 'fu_by_id', text: `SELECT ${FU_COLUMNS} FROM fu_users WHERE id = $1` },
  // The token row and its user in one statement, as the monolith's user store reads it.
  tokenUser: {
    name: 'token_user',
    text: `SELECT ${FU_COLUMNS} FROM fu_access_tokens t JOIN fu_users ON fu_users.id = t.user_id
            WHERE t.token = $1 AND t.created_at >= $2`,
  },
  // A legacy or facade session's account: the legacy row and its user in one statement.
  account: {
    name: 'account',
    text: `SELECT u.id, u.email, u.full_name, u.is_active, u.role, to_json(f) AS fu
             FROM users u LEFT JOIN (SELECT ${FU_COLUMNS} FROM fu_users) f
               ON f.legacy_user_id = u.id
            WHERE u.id = $1`,
  },
  session: {
    name: 'session',
    text: 'SELECT sess FROM session WHERE sid = $1 AND expire >= to_timestamp($2)',
  },
  touch: { name: 'touch', text: 'UPDATE session SET expire = to_timestamp($1) WHERE sid = $2' },
  facade: {
    name: 'facade',
    text: 'SELECT legacy_user_id FROM fu_facade_sessions WHERE token = $1 AND expires_at > $2',
  },
  legacyById: {
    name: 'legacy_by_id',
    text: 'SELECT id, email, full_name, is_active, role FROM users WHERE id = $1',
  },
  contacts: {
    name: 'contacts',
    text: `SELECT id, owner_id, name, email, phone, company, notes, created_at, updated_at
             FROM contacts WHERE owner_id = $1 ORDER BY id`,
  },
};

interface FuRow {
  id: string;
  email: string;
  is_active: boolean;
  is_superuser: boolean;
  is_verified: boolean;
  legacy_user_id: number | null;
}
interface LegacyRow {
  id: number;
  email: string;
  full_name: string | null;
  is_active: number | boolean;
  role: string;
}
interface Account {
  legacy: LegacyRow;
  user: FuRow | null;
}

async function one<Row>(query: { name: string; text: string }, values: unknown[]) {
  const result = await pool.query({ ...query, values });
  return (result.rows[0] as Row | undefined) ?? null;
}

const legacyActive = (row: LegacyRow) => row.is_active === true || Number(row.is_active) === 1;

async function fuFromBearer(header: string | undefined): Promise<FuRow | null> {
  if (!header?.toLowerCase().startsWith('bearer ')) return null;
  try {
    const { payload } = await jwtVerify(header.slice(7), jwtKey, {
      algorithms: ['HS256'],
      audience: [ACCESS_AUDIENCE],
    });
    return typeof payload.sub === 'string' ? one<FuRow>(Q.fuById, [payload.sub]) : null;
  } catch {
    return null;
  }
}

async function fuFromCookie(cookies: Record<string, string | undefined>) {
  const token = cookies[FU_AUTH_COOKIE];
  if (!token) return null;
  const notBefore = new Date(Date.now() - config.fuAuth.dbTokenLifetimeSeconds * 1000);
  return one<FuRow>(Q.tokenUser, [token, notBefore]);
}

/** A legacy account: its row and its new-engine user in one read (the monolith's getLegacyAccount). */
async function accountOfLegacyId(id: number): Promise<Account | null> {
  const found = await one<LegacyRow & { fu: FuRow | null }>(Q.account, [id]);
  if (!found) return null;
  const { fu: user, ...legacy } = found;
  return (user ? user.is_active : legacyActive(legacy)) ? { legacy, user } : null;
}

/** express-session's row (then its touch, as express-session does for an unmodified session). */
async function legacySession(value: string): Promise<Account | null> {
  const sid = unsign(value.slice(2), config.legacy.sessionSecret);
  if (!sid) return null;
  const row = await one<{ sess: { passport?: { user?: number } } }>(Q.session, [
    sid,
    Math.round(Date.now() / 1000),
  ]);
  const id = row?.sess.passport?.user;
  if (id === undefined) return null;
  const account = await accountOfLegacyId(id);
  await pool.query({
    ...Q.touch,
    values: [Math.round(Date.now() / 1000) + config.legacy.sessionMaxAgeSeconds, sid],
  });
  return account;
}

async function facadeSession(token: string): Promise<Account | null> {
  const row = await one<{ legacy_user_id: number }>(Q.facade, [token, new Date()]);
  return row ? accountOfLegacyId(row.legacy_user_id) : null;
}

async function accountOfFuUser(user: FuRow | null): Promise<Account | null> {
  if (!user?.is_active || user.legacy_user_id === null) return null;
  const legacy = await one<LegacyRow>(Q.legacyById, [user.legacy_user_id]);
  return legacy ? { legacy, user } : null;
}

/** Every credential of either engine, in the monolith's order. */
async function account(req: http.IncomingMessage): Promise<Account | null> {
  const cookies = req.headers.cookie ? parseCookies(req.headers.cookie) : {};
  const sid = cookies[LEGACY_SESSION_COOKIE];
  if (sid?.startsWith('s:')) return legacySession(sid);
  if (sid?.startsWith(FACADE_SESSION_PREFIX))
    return facadeSession(sid.slice(FACADE_SESSION_PREFIX.length));
  if (cookies[FU_AUTH_COOKIE]) return accountOfFuUser(await fuFromCookie(cookies));
  return accountOfFuUser(await fuFromBearer(req.headers.authorization));
}

const publicUser = ({ legacy, user }: Account) => ({
  id: legacy.id,
  email: user?.email ?? legacy.email,
  full_name: legacy.full_name,
  role: !user
    ? legacy.role
    : user.is_superuser
      ? 'admin'
      : legacy.role === 'admin'
        ? 'user'
        : legacy.role,
});

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.url === '/fu_auth/users/me') {
    const user =
      (await fuFromBearer(req.headers.authorization)) ??
      (await fuFromCookie(req.headers.cookie ? parseCookies(req.headers.cookie) : {}));
    if (!user?.is_active) return send(res, 401, { detail: 'Unauthorized' });
    return send(res, 200, {
      id: user.id,
      email: user.email,
      is_active: user.is_active,
      is_superuser: user.is_superuser,
      is_verified: user.is_verified,
    });
  }
  if (req.url === '/auth/me' || req.url === '/api/contacts') {
    const found = await account(req);
    if (!found) return send(res, 401, { error: 'not_authenticated' });
    if (req.url === '/auth/me') return send(res, 200, { user: publicUser(found) });
    const all = publicUser(found).role === 'admin';
    const rows = all
      ? (await pool.query('SELECT * FROM contacts ORDER BY id')).rows
      : (await pool.query({ ...Q.contacts, values: [found.legacy.id] })).rows;
    return send(res, 200, { contacts: rows });
  }
  send(res, 404, { error: 'not_found' });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch(() => send(res, 500, { error: 'internal' }));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.BENCH_ANCHOR_PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
