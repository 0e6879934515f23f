/**
 * The floor Express sets, for the hot-path benchmark's notes: the `/fu_auth/users/me` body served
 * with no credential, no query and no middleware, by Express 5 (`res.json`, as the monolith
 * answers) or by a bare `node:http` handler. `tsx bench/hotpaths/floor-server.ts <express|bare> <port>`
 */
import http from 'node:http';
import express from 'express';

const BODY = {
  id: '3f0c6a8e-1111-4222-8333-444455556666',
  email: 'bench-hotpaths@example.com',
  is_active: true,
  is_superuser: false,
  is_verified: false,
};

function bare(_req: http.IncomingMessage, res: http.ServerResponse): void {
  const json = JSON.stringify(BODY);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

const app = express();
app.disable('x-powered-by');
app.get('/fu_auth/users/me', (_req, res) => {
  res.json(BODY);
});

const server = http.createServer(process.argv[2] === 'bare' ? bare : app);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[3]), '127.0.0.1', () => process.send?.('listening'));
