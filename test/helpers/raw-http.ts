/**
 * One HTTP request with full control over what goes on the wire: any header (Content-Encoding,
 * Connection: Upgrade, repeated cookies), any body bytes, and the local address it comes from
 * (127.0.0.2, 127.0.0.3… are distinct client addresses to the proxy). fetch() can do none of
 * the last two.
 */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The header lines as sent: names in their case and order, repeats kept. */
  rawHeaders: string[];
  text: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  localAddress?: string;
}

export function rawSend(url: string, init: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = http.request(url, {
      method: init.method ?? 'POST',
      agent: false,
      headers: {
        ...(body ? { 'content-length': String(body.length) } : {}),
        ...init.headers,
      },
      ...(init.localAddress ? { localAddress: init.localAddress } : {}),
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        rawHeaders: res.rawHeaders,
        text: '',
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A multipart/form-data body of plain text fields (repeats allowed), and its content type. */
export function multipart(
  fields: [string, string][],
  boundary = 'authshift-test-boundary',
): { body: Buffer; type: string } {
  const parts = fields.map(
    ([name, value]) =>
      `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export const withBom = (text: string) => Buffer.concat([BOM, Buffer.from(text)]);

/** `crm.sid=<value>` out of a response's Set-Cookie headers (whatever else they set). */
export function sessionCookie(setCookie: string | string[] | undefined): string {
  const cookies = ([] as string[]).concat(setCookie ?? []);
  const session = cookies.find((c) => c.startsWith('crm.sid='));
  if (!session) throw new Error(`no crm.sid cookie in ${JSON.stringify(cookies)}`);
  return session.split(';')[0]!;
}
