import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { isAppError } from '../errors/app-error.js';
import type { LegacyUserRecord } from '../users/legacy-user.js';
import type { LegacyAuthService } from './legacy-auth-service.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport types `req.user` as Express.User; ours is the legacy record.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends LegacyUserRecord {}
  }
}

/**
 * A private Passport instance (never the global singleton) with passport-local on `email`.
 * A failed login is passed on as an AppError code so the router renders it. A session's user is
 * `sessionUser(id)` (by default the service's `userForSession`): null ends the session's login.
 */
export function createPassport(
  service: LegacyAuthService,
  sessionUser: (id: number) => Promise<LegacyUserRecord | null> = (id) =>
    service.userForSession(id),
): InstanceType<typeof Passport> {
  const passport = new Passport();
  passport.use(
    'local',
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', session: true },
      (email, password, done) => {
        service.authenticate(email, password).then(
          (user) => done(null, user),
          (error: unknown) =>
            isAppError(error) ? done(null, false, { message: error.code }) : done(error),
        );
      },
    ),
  );
  passport.serializeUser<number>((user, done) => done(null, (user as LegacyUserRecord).id));
  passport.deserializeUser<number>((id, done) => {
    sessionUser(Number(id)).then((user) => done(null, user ?? false), done);
  });
  return passport;
}
