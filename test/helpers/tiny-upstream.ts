/**
 * A tiny upstream for the few proxy tests the monolith cannot serve: it echoes what arrived
 * (headers, body size and SHA-256), answers WebSocket-style upgrades by echoing bytes, and has a
 * route that answers late (timeouts, draining). Everything else is tested against the real
 * monolith.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { listen } from '../../src/lib/http/serve.js';

export interface TinyUpstream {
  url: string;
  port: number;
  /** How many `/slow/…` requests have arrived so far: a test's signal that its own is in flight. */
  slowReceived(): number;
  close(): Promise<void>;
}

export async function startTinyUpstream(port = 0): Promise<TinyUpstream> {
  const sockets = new Set<Socket>();
  let slowReceived = 0;
  const server: Server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      const delay = /^\/slow\/(\d+)/.exec(req.url ?? '');
      const body = JSON.stringify({
        url: req.url,
        method: req.method,
        headers: req.headers,
        bytes,
        sha256: hash.digest('hex'),
      });
      const send = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      };
      if (delay) {
        slowReceived++;
        setTimeout(send, Number(delay[1]));
      } else send();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => {
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `x-seen-url: ${req.url}\r\n\r\n`,
    );
    if (head.length) socket.write(head);
    socket.pipe(socket);
  });
  const bound = await listen(server, port, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    slowReceived: () => slowReceived,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
