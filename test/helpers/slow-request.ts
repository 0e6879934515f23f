/**
 * An HTTP/1.1 request on a raw socket whose body the test sends when it chooses. The head carries
 * `Expect: 100-continue`: Node answers `100 Continue` in the same tick in which it hands the
 * request to the application, so `ready` resolving means the server has seen this request's head
 * and run the synchronous part of its handler (or already answered it). Tests coordinate on that
 * event instead of sleeping.
 */
import net from 'node:net';

export interface SlowResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface SlowRequest {
  /** 'continue' when the server waits for the body; 'answered' when it answered without it. */
  ready: Promise<'continue' | 'answered'>;
  /** Sends the body and resolves with the final response (the socket is closed by the server). */
  finish(): Promise<SlowResponse>;
}

function parseFinal(raw: string): SlowResponse | undefined {
  const text = raw.replace(/^(HTTP\/1\.1 100 [^\r]*\r\n\r\n)+/, '');
  const end = text.indexOf('\r\n\r\n');
  if (!/^HTTP\/1\.1 \d{3}/.test(text) || end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(end + 4) };
}

export function slowRequest(options: {
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}): SlowRequest {
  const socket = net.connect(options.port, '127.0.0.1');
  let raw = '';
  let settleReady: (value: 'continue' | 'answered') => void = () => {};
  const ready = new Promise<'continue' | 'answered'>((resolve) => (settleReady = resolve));
  const closed = new Promise<void>((resolve, reject) => {
    socket.on('close', () => {
      settleReady('answered'); // closed without a word: finish() reports it
      resolve();
    });
    // A server that answered early may reset the connection while the body is still being sent.
    socket.on('error', (error) => (parseFinal(raw) ? resolve() : reject(error)));
  });
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    raw += chunk;
    if (parseFinal(raw)) settleReady('answered');
    else if (raw.startsWith('HTTP/1.1 100')) settleReady('continue');
  });
  const head = [
    `${options.method} ${options.path} HTTP/1.1`,
    `host: 127.0.0.1:${options.port}`,
    'connection: close',
    'expect: 100-continue',
    `content-length: ${Buffer.byteLength(options.body)}`,
    ...Object.entries(options.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.write(`${head.join('\r\n')}\r\n\r\n`);

  return {
    ready,
    async finish() {
      // A server that answered right after its `100 Continue` wants no body any more.
      if ((await ready) === 'continue' && !parseFinal(raw)) socket.write(options.body);
      await closed;
      const response = parseFinal(raw);
      if (!response) throw new Error(`no complete response: ${JSON.stringify(raw)}`);
      return response;
    },
  };
}
