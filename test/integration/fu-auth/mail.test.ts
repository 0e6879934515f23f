import { once } from 'node:events';
import net from 'node:net';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { memoryLogger } from '../../../src/lib/logger.js';
import { createFuUser, outboxFor, tokenIn } from '../../helpers/fu-auth.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

/**
 * The default hooks' e-mails: to the outbox folder without SMTP_URL, over SMTP with it. A tiny SMTP
 * listener on a free loopback port records what nodemailer delivers.
 */
function smtpSink(): Promise<{ url: string; messages: string[]; close(): Promise<void> }> {
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    let data = false;
    let body = '';
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\r\n')) {
        if (data) {
          if (line === '.') {
            data = false;
            messages.push(body);
            body = '';
            socket.write('250 queued\r\n');
          } else body += `${line}\n`;
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 sink\r\n');
        else if (/^DATA/i.test(line)) {
          data = true;
          socket.write('354 go on\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else if (line !== '') socket.write('250 ok\r\n');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => ({
    url: `smtp://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }));
}

describe('/fu_auth e-mail delivery (default hooks)', () => {
  it('when no SMTP_URL is set, then each message is one JSON file with to, subject and a token link', async () => {
    const deps = buildTestDeps({ env: { PUBLIC_URL: 'https://crm.example.com' } });
    try {
      const { email } = await createFuUser(deps);
      await request(createApp(deps))
        .post('/fu_auth/request-verify-token')
        .send({ email })
        .expect(202);
      const [message] = await outboxFor(deps, email);
      expect(message).to.include.keys('to', 'subject', 'text', 'from');
      expect(message!.subject).to.equal('Confirm your e-mail address');
      expect(message!.text).to.contain('https://crm.example.com/verify?token=');
      expect(tokenIn(message)).to.match(/^ey/);
    } finally {
      await deps.close();
    }
  });

  it('when SMTP_URL is set, then the reset e-mail goes out over SMTP and nothing is written to the outbox', async () => {
    const sink = await smtpSink();
    const deps = buildTestDeps({ env: { SMTP_URL: sink.url } });
    try {
      const { email } = await createFuUser(deps);
      await request(createApp(deps)).post('/fu_auth/forgot-password').send({ email }).expect(202);
      await deps.background.drain(); // the e-mail goes out after the answer
      expect(sink.messages).to.have.length(1);
      expect(sink.messages[0]).to.contain(`To: ${email}`);
      // The body is quoted-printable: undo soft line breaks and `=3D` before reading the link.
      const body = sink.messages[0]!.replace(/=\n/g, '').replace(/=3D/g, '=');
      expect(body).to.match(/reset-password\?token=ey/);
      expect(await outboxFor(deps, email)).to.deep.equal([]);
    } finally {
      await deps.close();
      await sink.close();
    }
  });

  it('when the SMTP server is unreachable, then forgot-password still answers 202 and the log has the failure but not the token', async () => {
    const log = memoryLogger('trace');
    const deps = buildTestDeps({ env: { SMTP_URL: 'smtp://127.0.0.1:1' }, logger: log.logger });
    try {
      const { email } = await createFuUser(deps);
      const res = await request(createApp(deps)).post('/fu_auth/forgot-password').send({ email });
      expect(res.status).to.equal(202);
      await deps.background.drain();
      const lines = log.lines().join('\n');
      expect(lines).to.contain('sending an e-mail failed');
      expect(lines).to.not.match(/token=ey|eyJ/);
    } finally {
      await deps.close();
    }
  });
});
