/**
 * The requests every client makes all the time — `GET /fu_auth/users/me`, `GET /auth/me` and
 * `GET /api/contacts` — answered without Express when the request is the plain case: the exact
 * path, no query, no body, not conditional, and a credential that resolves to an account allowed
 * there. Express's router, `req`/`res` decoration and middleware cost more CPU per request than the
 * whole of such an answer (docs/benchmarks.md, "The floor Express sets").
 *
 * It is the same answer, not a second implementation: the same credential readers (the session
 * resolver and fastapi-users' authenticator), the same queries, the same bodies, headers
 * (`x-request-id`, Content-Type, Content-Length, ETag, then the routing claim), access log line and
 * express-session touch. Everything else — another method or path, a refusal (401, 403), any
 * error — goes to the Express app untouched: nothing is written before the answer is known, so the
 * app answers exactly as it always did (test/integration/hot-paths.test.ts compares the two).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import etag from 'etag';
import { principalOf } from '../api/api-auth.js';
import { listBody } from '../contacts/contacts-router.js';
import type { ContactRepository } from '../contacts/contact-repository.js';
import { refusalOf, type Authenticator } from '../fu-auth/authenticator.js';
import { sendJson, userRead } from '../fu-auth/http/send.js';
import { startAccessLog } from '../lib/http/request-logger.js';
import type { Logger } from '../lib/logger.js';
import { accountPublicUser } from '../sessions/account.js';
import { meBody } from '../sessions/legacy-session-routes.js';
import type { LegacySessionRead, LegacySessionReader } from '../sessions/legacy-session-reader.js';
import type { RouteClaims } from '../sessions/route-claims.js';
import type { ResolvedSession, SessionResolver } from '../sessions/session-resolver.js';

export interface HotPathsDeps {
  logger: Logger;
  resolve: SessionResolver;
  legacySessions: LegacySessionReader;
  claims: RouteClaims;
  authenticator: Authenticator;
  /** FU_REQUIRES_VERIFICATION, as `/fu_auth/users/me` applies it. */
  requiresVerification: boolean;
  contacts: ContactRepository;
}

/** How the route's framework writes JSON: Express's `res.json`, or FastAPI's JSONResponse. */
type Format = 'express' | 'fastapi';

interface Answer {
  format: Format;
  body: unknown;
  /** The e-mail of the routing claim the answer refreshes (src/sessions/route-claims.ts). */
  claimEmail: string;
  /** The stored legacy session the request carried: express-session touches it at the end. */
  touch: LoadedSession | null;
}

type LoadedSession = Extract<LegacySessionRead, { kind: 'loaded' }>;

type HotRoute = (req: IncomingMessage) => Promise<Answer | null>;

/**
 * What makes a request plain: what Express or its middleware would treat otherwise goes there.
 * A body, or the headers that describe one, is read (and may be refused) by `/api`'s body reader;
 * conditional headers may turn Express's answer into a 304.
 */
const NOT_PLAIN = [
  'content-length',
  'transfer-encoding',
  'content-type',
  'content-encoding',
  'if-none-match',
  'if-modified-since',
] as const;

export function createHotPaths(deps: HotPathsDeps) {
  /**
   * The portable session of `/auth/*` and `/api/*` (src/sessions/session-resolver.ts): the legacy
   * session is read as express-session and passport would (a session they would change is the
   * app's), then the resolver goes through every credential in its fixed order, as
   * `requireSession` does.
   */
  async function portableSession(
    req: IncomingMessage,
  ): Promise<{ session: ResolvedSession; touch: LoadedSession | null } | null> {
    const legacy = await deps.legacySessions.read(req);
    if (legacy.kind === 'changed') return null;
    const user = legacy.kind === 'loaded' ? legacy.user : null;
    const session = await deps.resolve(
      user ? { headers: req.headers, user, isAuthenticated: () => true } : { headers: req.headers },
    );
    return session ? { session, touch: legacy.kind === 'loaded' ? legacy : null } : null;
  }

  const routes = new Map<string, HotRoute>([
    [
      '/fu_auth/users/me',
      async (req) => {
        const found = await deps.authenticator.find(req);
        if (refusalOf(found, { verified: deps.requiresVerification }) || !found) return null;
        const { user } = found;
        return {
          format: 'fastapi',
          body: userRead(user),
          claimEmail: user.email,
          touch: null,
        };
      },
    ],
    [
      '/auth/me',
      async (req) => {
        const found = await portableSession(req);
        if (!found) return null;
        const body = meBody(found.session.account);
        return { format: 'express', body, claimEmail: body.user.email, touch: found.touch };
      },
    ],
    [
      '/api/contacts',
      async (req) => {
        const found = await portableSession(req);
        if (!found) return null;
        const { session, touch } = found;
        return {
          format: 'express',
          body: await listBody(deps.contacts, principalOf(session)),
          claimEmail: accountPublicUser(session.account).email,
          touch,
        };
      },
    ],
  ]);

  /** The hot route for a plain request, or undefined. */
  function match(req: IncomingMessage): HotRoute | undefined {
    if (req.method !== 'GET') return undefined;
    const route = routes.get(req.url ?? '');
    if (!route || NOT_PLAIN.some((header) => req.headers[header] !== undefined)) return undefined;
    return route;
  }

  function write(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
    // The routing claim as the app's middleware writes it: last, when the headers go out.
    deps.claims.arm(res);
    deps.claims.refresh(req, res, answer.claimEmail);
    if (answer.format === 'fastapi') return sendJson(res, 200, answer.body);
    // What `res.json` → `res.send` write for a GET: a charset, the length and a weak ETag.
    const body = Buffer.from(JSON.stringify(answer.body), 'utf8');
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', body.length);
    res.setHeader('ETag', etag(body, { weak: true }));
    res.end(body);
  }

  return {
    match,
    /**
     * Serves a matched request and resolves true, or resolves false having sent nothing (the
     * request is then the app's, with this request id and start). It never rejects. The touch of
     * a legacy session comes before the answer: if it fails, the app gets the request.
     */
    async serve(route: HotRoute, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      // The access line is armed first, as the app's is: a client that hangs up still gets one.
      const log = startAccessLog(deps.logger, req, res, req.url ?? '');
      try {
        const answer = await route(req);
        if (answer?.touch) await deps.legacySessions.touch(answer.touch);
        // A client that hung up has its access line (armed above) and needs no answer.
        if (answer || res.destroyed) {
          if (answer && !res.destroyed) write(req, res, answer);
          return true;
        }
      } catch (error) {
        // The app meets the same failure and answers it as it always does; this line says the
        // hot path could not (a bug here would otherwise only show as the app's extra work).
        deps.logger.warn({ err: error, req: { id: log.id } }, 'hot path failed; the app answers');
        if (res.headersSent || res.destroyed) {
          res.destroy();
          return true;
        }
      }
      log.handOver();
      return false;
    },
  };
}

export type HotPaths = ReturnType<typeof createHotPaths>;

/** The monolith's request listener: hot paths first, the Express app for everything else. */
export function withHotPaths(hot: HotPaths, app: RequestListener): RequestListener {
  return (req, res) => {
    const route = hot.match(req);
    if (!route) return void app(req, res);
    void hot.serve(route, req, res).then(
      (served) => {
        if (!served) app(req, res);
      },
      // `serve` never rejects; were it to, the request must still end, not hang or crash.
      () => (res.headersSent ? res.destroy() : app(req, res)),
    );
  };
}
