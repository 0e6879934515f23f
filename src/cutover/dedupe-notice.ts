import type { Mailer } from '../fu-auth/mail/mailer.js';
import type { DedupeLoser } from './dedupe.js';

/**
 * The e-mail an account gets when dedupe takes its address: sent to the address it had (the
 * mailbox it claimed), saying what happened and what to quote to support. It names no other
 * account. SECURITY: nothing in it lets the reader act on the account (no link, no token).
 */
export function dedupeNotice(loser: DedupeLoser): { to: string; subject: string; text: string } {
  return {
    to: loser.oldEmail,
    subject: 'Your account was deactivated: another account holds this e-mail address',
    text:
      `Several accounts were registered with the address ${loser.oldEmail}, spelled differently ` +
      `(for example with other capital letters). An address can belong to one account only: the ` +
      `one whose address was confirmed, or else the one created first.\n\n` +
      `The account registered as ${loser.oldEmail} (account id ${loser.id}) was renamed to ` +
      `${loser.newEmail} and deactivated. Nothing was deleted.\n\n` +
      `If this account is yours, contact support and quote its account id.\n`,
  };
}

/** Sends each notice; a failure is reported per account (the report lists who was not told). */
export async function notifyLosers(
  mailer: Mailer,
  losers: DedupeLoser[],
  warn: (what: string, error: unknown) => void,
): Promise<Map<number, boolean>> {
  const sent = new Map<number, boolean>();
  for (const loser of losers) {
    try {
      await mailer.send(dedupeNotice(loser));
      sent.set(loser.id, true);
    } catch (error) {
      warn(`notifying account ${loser.id} by e-mail`, error);
      sent.set(loser.id, false);
    }
  }
  return sent;
}
