import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { waitForUrl } from '../../../src/lib/http/wait-for-url.js';

describe('waitForUrl', () => {
  let server: Server;
  let url: string;
  let answers: number[];

  beforeEach(async () => {
    answers = [];
    server = createServer((_req, res) => {
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('when the service answers 503 first, then it keeps polling until 200', async () => {
    answers = [503, 503];
    expect(await waitForUrl(url, { timeoutMs: 5000, intervalMs: 10 })).to.equal(true);
    expect(answers).to.deep.equal([]);
  });

  it('when no answer is accepted in time, then it says false', async () => {
    answers = Array.from({ length: 1000 }, () => 503);
    expect(await waitForUrl(url, { timeoutMs: 100, intervalMs: 10 })).to.equal(false);
  });

  it('when `accept` takes any status, then a 404 counts as up', async () => {
    answers = [404];
    const up = await waitForUrl(url, { timeoutMs: 5000, accept: () => true });
    expect(up).to.equal(true);
  });

  it('when nothing listens and `giveUp` turns true, then it stops without waiting out the deadline', async () => {
    await new Promise((resolve) => server.close(resolve));
    let tries = 0;
    const started = Date.now();
    const up = await waitForUrl(url, {
      timeoutMs: 60_000,
      intervalMs: 10,
      giveUp: () => ++tries > 3,
    });
    expect(up).to.equal(false);
    expect(Date.now() - started).to.be.below(30_000);
    server = createServer(); // afterEach closes a server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
});
