import { RESET_PASSWORD_PAGE, VERIFY_PAGE } from '../../lib/contracts/account-pages.js';
import type { Logger } from '../../lib/logger.js';
import { noopHooks, type FuAuthHooks } from '../hooks.js';
import type { Mailer } from './mailer.js';

/**
 * The default hooks: forgot-password and verification e-mails with a link carrying `token=…`.
 * SECURITY: the token goes into the e-mail only, never into a log line. A mail failure is logged
 * and swallowed, because both routes answer 202 whatever happens (an error would reveal that the
 * account exists).
 */
export function createMailHooks(deps: {
  mailer: Mailer;
  publicUrl: string;
  logger: Logger;
}): FuAuthHooks {
  const link = (page: string, token: string) => {
    const url = new URL(page, deps.publicUrl);
    url.searchParams.set('token', token);
    return url.toString();
  };
  const send = async (to: string, subject: string, text: string) => {
    try {
      await deps.mailer.send({ to, subject, text });
    } catch (error) {
      deps.logger.error({ err: error, subject }, 'sending an e-mail failed');
    }
  };
  return {
    ...noopHooks(),
    async onAfterForgotPassword(user, token) {
      await send(
        user.email,
        'Reset your password',
        `Someone asked to reset the password of this account.\n\n` +
          `To choose a new password, open this link:\n${link(RESET_PASSWORD_PAGE, token)}\n\n` +
          `If it was not you, ignore this message; your password stays as it is.\n`,
      );
    },
    async onAfterRequestVerify(user, token) {
      await send(
        user.email,
        'Confirm your e-mail address',
        `To confirm this e-mail address, open this link:\n${link(VERIFY_PAGE, token)}\n`,
      );
    },
  };
}
