import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually } from './eventually.js';

/** An e-mail as the outbox transport writes it (MAIL_OUTBOX_DIR, one JSON file per message). */
export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * The messages in `dir` sent to `to`, oldest first (file names start with the time they were
 * written); none when the folder does not exist yet.
 */
export async function readOutbox(dir: string, to: string): Promise<OutboxMessage[]> {
  const files = (await readdir(dir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const messages = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as OutboxMessage),
  );
  return messages.filter((m) => m.to === to);
}

/**
 * The newest message to `to` with `subject`, waited for: another process sends it, and
 * forgot-password and request-verify-token send theirs after answering.
 */
export async function waitForMail(
  dir: string,
  to: string,
  subject: string,
): Promise<OutboxMessage> {
  let found: OutboxMessage | undefined;
  await eventually(
    async () =>
      (found = (await readOutbox(dir, to)).findLast((m) => m.subject === subject)) !== undefined,
    { what: `a "${subject}" mail for ${to}` },
  );
  return found!;
}
