import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { randomToken } from '../../lib/random.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface MailerOptions {
  smtpUrl: string | undefined;
  from: string;
  outboxDir: string;
}

/**
 * nodemailer either way: SMTP when SMTP_URL is set, otherwise its JSON transport, with each message
 * written to MAIL_OUTBOX_DIR as one JSON file (`to`, `from`, `subject`, `text`, `date`). Files are
 * written under a temporary name and renamed, so a reader never sees half a message.
 */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(message) {
        await transport.sendMail({ from: options.from, ...message });
      },
    };
  }
  const transport = nodemailer.createTransport({ jsonTransport: true });
  return {
    async send(message) {
      const info = await transport.sendMail({ from: options.from, ...message });
      const built = JSON.parse(String(info.message)) as { messageId?: string };
      await mkdir(options.outboxDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomToken(6)}.json`;
      const file = path.join(options.outboxDir, name);
      const record = {
        messageId: built.messageId,
        date: new Date().toISOString(),
        from: options.from,
        ...message,
      };
      await writeFile(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
      await rename(`${file}.tmp`, file);
    },
  };
}
