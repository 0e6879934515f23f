/**
 * Where the embedded PostgreSQL of `npm start` answers. Generic so that processes which only
 * join an already running embedded server (the proxy) need nothing from `src/db`.
 */
export const EMBEDDED_DATABASE = 'authshift';

export function embeddedUrl(port: number): string {
  return `postgres://postgres:authshift@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
}
