import { expect } from 'chai';
import { generateJwt } from '../../../../src/lib/contracts/fu-jwt.js';
import { signRouteClaim } from '../../../../src/lib/contracts/route-claim.js';
import { manualClock } from '../../../../src/lib/clock.js';
import {
  claimEmail,
  hasVerifiedBearer,
  isResetToken,
  verifyTokenEmail,
} from '../../../../proxy/policy/credentials.js';

const secrets = {
  routing: ['routing-secret-now-0123456789', 'routing-secret-before-0123'],
  jwt: 'jwt-secret-for-unit-tests-0123',
  resetPasswordToken: 'reset-secret-for-unit-tests-0123',
  verificationToken: 'verify-secret-for-unit-tests-0123',
};
const clock = manualClock(new Date('2026-06-01T00:00:00Z'));
const now = clock.now();
const inSeconds = (s: number) => Math.floor(now.getTime() / 1000) + s;
const sub = '6702c6c2-0000-4000-8000-000000000000';
const jwt = (data: Record<string, unknown>, secret: string, lifetime = 600) =>
  generateJwt(data, secret, lifetime, clock);

describe('verified credentials', () => {
  it('when the routing claim is valid (current or previous secret), then its e-mail; otherwise nothing', () => {
    const claim = (secret: string, expires = inSeconds(60)) =>
      signRouteClaim(secret, { email: 'ann@x.test', expires });
    const headers = (value: string) => ({ cookie: `crm.sid=s%3Ax.y; authshift_route=${value}` });
    expect(claimEmail(headers(claim(secrets.routing[0]!)), secrets, now)).to.equal('ann@x.test');
    expect(claimEmail(headers(claim(secrets.routing[1]!)), secrets, now)).to.equal('ann@x.test');
    expect(claimEmail(headers(claim('another-secret-0123456789')), secrets, now)).to.equal(
      undefined,
    );
    expect(claimEmail(headers(claim(secrets.routing[0]!, inSeconds(0))), secrets, now)).to.equal(
      undefined,
    );
    expect(claimEmail({ cookie: 'crm.sid=fu.x' }, secrets, now)).to.equal(undefined);
    expect(claimEmail({}, secrets, now)).to.equal(undefined);
  });

  it('when a bearer is an access token signed with JWT_SECRET and live, then it counts; anything else does not', async () => {
    const bearer = async (token: string) =>
      hasVerifiedBearer({ authorization: `Bearer ${token}` }, secrets, now);
    expect(await bearer(await jwt({ sub, aud: ['fastapi-users:auth'] }, secrets.jwt))).to.equal(
      true,
    );
    expect(
      await bearer(await jwt({ sub, aud: ['fastapi-users:auth'] }, 'other-secret-0123456789')),
    ).to.equal(false);
    expect(await bearer(await jwt({ sub, aud: 'fastapi-users:reset' }, secrets.jwt))).to.equal(
      false,
    );
    expect(
      await bearer(
        await jwt({ sub, aud: ['fastapi-users:auth'], exp: inSeconds(-1) }, secrets.jwt, 0),
      ),
    ).to.equal(false);
    expect(await bearer('not.a.jwt')).to.equal(false);
    expect(await hasVerifiedBearer({ cookie: 'fastapiusersauth=x' }, secrets, now)).to.equal(false);
  });

  it('when a reset or verification token is checked, then only its own secret and audience verify it', async () => {
    const reset = await jwt(
      { sub, password_fgpt: 'x', aud: 'fastapi-users:reset' },
      secrets.resetPasswordToken,
    );
    expect(await isResetToken(reset, secrets, now)).to.equal(true);
    expect(
      await isResetToken(await jwt({ sub, aud: 'fastapi-users:reset' }, secrets.jwt), secrets, now),
    ).to.equal(false);
    const verify = await jwt(
      { sub, email: 'ann@x.test', aud: 'fastapi-users:verify' },
      secrets.verificationToken,
    );
    expect(await verifyTokenEmail(verify, secrets, now)).to.equal('ann@x.test');
    expect(await verifyTokenEmail(reset, secrets, now)).to.equal(undefined);
    expect(await isResetToken(verify, secrets, now)).to.equal(false);
  });
});
