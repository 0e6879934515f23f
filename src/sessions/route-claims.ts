import type { IncomingMessage, ServerResponse } from 'node:http';
import { serialize } from 'cookie';
import type { Request, RequestHandler } from 'express';
import onHeaders from 'on-headers';
import { ROUTE_COOKIE } from '../lib/contracts/cookies.js';
import { signRouteClaim, verifyRouteClaim } from '../lib/contracts/route-claim.js';
import type { Clock } from '../lib/clock.js';
import { readCookieValue } from '../lib/http/cookies.js';
import { boundedMemo } from '../lib/bounded-memo.js';
import { canonicalEmail } from '../lib/identity/canonical-email.js';

export interface RouteClaimSettings {
  /** ROUTING_SECRET: signs every claim (ROUTING_SECRET_PREVIOUS is only ever accepted, by the proxy). */
  secret: string;
  ttlSeconds: number;
  /** Secure exactly when the legacy session cookie is (COOKIE_SECURE). */
  secure: boolean;
}

type Decision = { set: string; expires: number } | 'clear';

export type RouteClaims = ReturnType<typeof createRouteClaims>;

/**
 * The `authshift_route` cookie (src/lib/contracts/route-claim.ts): the signed, short-lived claim
 * "this request is <canonical e-mail>'s" that lets the proxy route a logged-in request by the
 * user's current policy decision. Handlers only decide (`issue`, `refresh`, `clear`); the cookie
 * is written when the headers go out, after every other cookie of the response (`middleware`
 * runs first, so its listener runs last): the session cookie stays the first Set-Cookie. A
 * response written without Express (src/hot-paths) is armed the same way (`arm`).
 * It is not a credential; nothing in the monolith ever reads it as one.
 */
export function createRouteClaims(settings: RouteClaimSettings & { clock: Clock }) {
  const decisions = new WeakMap<ServerResponse, Decision>();
  // Every authenticated response compares the claim with the account's canonical e-mail.
  const canonical = boundedMemo(canonicalEmail);
  const nowSeconds = () => Math.floor(settings.clock.now().getTime() / 1000);
  const attributes = {
    httpOnly: true,
    path: '/',
    sameSite: 'lax',
    secure: settings.secure,
  } as const;

  /** The Set-Cookie value, byte for byte what Express's `res.cookie` / `res.clearCookie` write. */
  function setCookieOf(decision: Decision): string {
    if (decision === 'clear')
      return serialize(ROUTE_COOKIE, '', { ...attributes, expires: new Date(1) });
    const value = signRouteClaim(settings.secret, {
      email: decision.set,
      expires: decision.expires,
    });
    const maxAgeMs = settings.ttlSeconds * 1000;
    return serialize(ROUTE_COOKIE, value, {
      ...attributes,
      maxAge: Math.floor(maxAgeMs / 1000),
      expires: new Date(Date.now() + maxAgeMs),
    });
  }

  /** Adds the cookie after those already set, as Express's `res.append` does. */
  function write(res: ServerResponse): void {
    const decision = decisions.get(res);
    if (decision === undefined) return;
    const cookie = setCookieOf(decision);
    const earlier = res.getHeader('Set-Cookie');
    res.setHeader(
      'Set-Cookie',
      earlier === undefined ? cookie : [...[earlier].flat().map(String), cookie],
    );
  }

  /** The decision is written when the response's headers go out. */
  function arm(res: ServerResponse): void {
    onHeaders(res, () => write(res));
  }

  const claimFor = (email: string): Decision => ({
    set: canonical(email),
    expires: nowSeconds() + settings.ttlSeconds,
  });

  function issue(res: ServerResponse, email: string): void {
    decisions.set(res, claimFor(email));
  }

  /**
   * A new claim is due when the request's is missing, not signed with ROUTING_SECRET (forged,
   * expired, or from the previous secret), names another e-mail, or has less than half its life
   * left. Costs no query: the caller knows the account already.
   */
  function refreshDue(req: Pick<IncomingMessage, 'headers'>, email: string): boolean {
    const now = nowSeconds();
    const value = readCookieValue(req.headers.cookie, ROUTE_COOKIE);
    const claim = verifyRouteClaim([settings.secret], value, now);
    return (
      !claim || claim.email !== canonical(email) || claim.expires - now < settings.ttlSeconds / 2
    );
  }

  return {
    middleware: ((_req, res, next) => {
      arm(res);
      next();
    }) as RequestHandler,

    arm,

    /** A login or registration: a claim for the account's current e-mail. */
    issue,

    /** An authenticated response: a new claim when one is due (`refreshDue`). */
    refresh(req: Pick<IncomingMessage, 'headers'>, res: ServerResponse, email: string): void {
      if (refreshDue(req, email)) issue(res, email);
    },

    clear(res: ServerResponse): void {
      decisions.set(res, 'clear');
    },

    /**
     * Clears the claim only when the request carries one: `/fu_auth` logouts keep fastapi-users'
     * exact answer (no Set-Cookie) for a client that never held the claim.
     */
    clearCarried(req: Request, res: ServerResponse): void {
      if (readCookieValue(req.headers.cookie, ROUTE_COOKIE) !== undefined)
        decisions.set(res, 'clear');
    },
  };
}
