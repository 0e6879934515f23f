import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import request from 'supertest';
import type { AppDeps } from '../../src/deps.js';
import { noopHooks, type FuAuthHooks } from '../../src/fu-auth/hooks.js';
import type { FuUser } from '../../src/fu-auth/store/user-store.js';
import { uniqueEmail } from './factories.js';
import { readOutbox, type OutboxMessage } from './outbox.js';

export type { OutboxMessage };

/** Helpers for `/fu_auth` tests: users made through the real manager, logins, the mail outbox. */
export const NO_REQUEST = { ip: undefined, userAgent: undefined, requestId: undefined };

export interface FuFixture {
  user: FuUser;
  email: string;
  password: string;
}

export async function createFuUser(
  deps: AppDeps,
  options: {
    email?: string;
    password?: string;
    superuser?: boolean;
    verified?: boolean;
    active?: boolean;
  } = {},
): Promise<FuFixture> {
  const email = options.email ?? uniqueEmail('fu');
  const password = options.password ?? 'correct-horse-9';
  const user = await deps.fuAuth.deps.manager.create(
    {
      email,
      password,
      isSuperuser: options.superuser ?? false,
      isVerified: options.verified ?? false,
      isActive: options.active ?? true,
    },
    NO_REQUEST,
  );
  return { user, email, password };
}

export async function jwtLogin(
  app: RequestListener,
  email: string,
  password: string,
): Promise<string> {
  const res = await request(app)
    .post('/fu_auth/jwt/login')
    .type('form')
    .send({ username: email, password });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.access_token as string;
}

export async function cookieLogin(
  app: RequestListener,
  email: string,
  password: string,
): Promise<string> {
  const res = await request(app)
    .post('/fu_auth/cookie/login')
    .type('form')
    .send({ username: email, password });
  expect(res.status, JSON.stringify(res.body)).to.equal(204);
  return setCookies(res)[0]!.split(';')[0]!;
}

export function setCookies(res: request.Response): string[] {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Messages sent to `to`, oldest first (file names start with the time they were written), once
 * the work that answered requests left behind (forgot-password's e-mail, say) has finished.
 */
export async function outboxFor(deps: AppDeps, to: string): Promise<OutboxMessage[]> {
  await deps.background.drain();
  return readOutbox(deps.config.mail.outboxDir, to);
}

export function tokenIn(message: OutboxMessage | undefined): string {
  const match = /[?&]token=([^&\s]+)/.exec(message?.text ?? '');
  expect(match, 'a link with token=… in the e-mail').to.not.equal(null);
  return decodeURIComponent(match![1]!);
}

export type HookCall = [name: keyof FuAuthHooks, ...args: unknown[]];

/** Hooks that record every call (name and arguments) instead of sending mail. */
export function recordingHooks(): { hooks: FuAuthHooks; calls: HookCall[] } {
  const calls: HookCall[] = [];
  const hooks = noopHooks();
  for (const name of Object.keys(hooks) as (keyof FuAuthHooks)[]) {
    (hooks as unknown as Record<string, (...args: unknown[]) => Promise<void>>)[name] = async (
      ...args: unknown[]
    ) => {
      calls.push([name, ...args]);
    };
  }
  return { hooks, calls };
}

/** The JSON payload of a JWT, unverified (for asserting what was written). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}
