import type { RequestHandler } from 'express';
import type { Sequelize } from 'sequelize';
import type { Config } from '../config/load-config.js';
import type { FuAuth } from '../fu-auth/build-fu-auth.js';
import type { Clock } from '../lib/clock.js';
import type { Accounts } from './accounts.js';
import { createCredentialReader } from './carried-credentials.js';
import { createPortableSessions, type PortableSessions } from './portable-sessions.js';
import { createRouteClaims } from './route-claims.js';
import { createSessionEnder } from './session-ender.js';
import { createSessionResolver } from './session-resolver.js';

/** What both engines' write paths need before the engines exist: ending sessions, the claim. */
export function buildSessionBasics(config: Config, sequelize: Sequelize, clock: Clock) {
  return {
    ender: createSessionEnder(sequelize),
    claims: createRouteClaims({
      secret: config.routing.secret,
      ttlSeconds: config.routing.claimTtlSeconds,
      secure: config.legacy.cookieSecure,
      clock,
    }),
    readCredentials: createCredentialReader(config.legacy.sessionSecret),
  };
}

/** Wires portable sessions for buildDeps, once both engines are built. */
export function buildPortableSessions(input: {
  config: Config;
  clock: Clock;
  basics: ReturnType<typeof buildSessionBasics>;
  /** Shared with passport, whose session user it reads (src/sessions/accounts.ts). */
  accounts: Accounts;
  fuAuth: FuAuth;
  /** express-session, passport.initialize(), passport.session(). */
  legacySessionChain: RequestHandler[];
}): PortableSessions {
  const { fuAuth, accounts } = input;
  return createPortableSessions({
    ...input.basics,
    legacySessionChain: input.legacySessionChain,
    accounts,
    resolve: createSessionResolver({
      accounts,
      facadeSessions: fuAuth.facade.sessions,
      jwt: fuAuth.deps.jwt,
      database: fuAuth.deps.database,
      requiresVerification: input.config.fuAuth.requiresVerification,
      clock: input.clock,
    }),
    fuCookie: fuAuth.deps.cookie,
    confirmLogin: fuAuth.deps.confirmLogin,
  });
}
