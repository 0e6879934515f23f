import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID Connect provider for tests: panva's oidc-provider (certified) on a local port.
 * Accounts are set per test; the login prompt is answered by `GET /interaction/:uid?login=<id>`
 * (what a user typing at the provider amounts to), and consent is implied for the test client.
 */
export interface TestAccount {
  email?: string;
  email_verified?: boolean;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** Registers the client's redirect URIs (the app's port is known only once it listens). */
  start(redirectUris: string[]): void;
  /** Drives a browser from the authorization URL through the login to the callback URL. */
  login(authorizationUrl: string, accountId: string): Promise<URL>;
  close(): Promise<void>;
}

export async function listenTestProvider(): Promise<TestProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();
  const clientId = 'authshift-test';
  const clientSecret = 'authshift-test-client-secret';

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    start(redirectUris) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: redirectUris,
            grant_types: ['authorization_code'],
            response_types: ['code'],
          },
        ],
        claims: { openid: ['sub'], email: ['email', 'email_verified'] },
        cookies: { keys: ['authshift-test-cookie-key-0123456789'] },
        features: { devInteractions: { enabled: false } },
        ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600 },
        interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
        findAccount: (_ctx, id) =>
          accounts.has(id)
            ? { accountId: id, claims: () => ({ sub: id, ...accounts.get(id) }) }
            : undefined,
        async loadExistingGrant(ctx: KoaContextWithOIDC) {
          const { Grant } = ctx.oidc.provider;
          const clientId = ctx.oidc.client!.clientId;
          const grantId = ctx.oidc.session!.grantIdFor(clientId);
          if (grantId) return Grant.find(grantId);
          const grant = new Grant({ clientId, accountId: ctx.oidc.session!.accountId! });
          grant.addOIDCScope('openid email');
          await grant.save();
          return grant;
        },
      });
      provider.use(async (ctx, next) => {
        const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
        if (match && ctx.method === 'GET') {
          const accountId = String(ctx.query.login);
          await provider.interactionFinished(
            ctx.req,
            ctx.res,
            { login: { accountId } },
            { mergeWithLastSubmission: false },
          );
          ctx.respond = false;
          return;
        }
        await next();
      });
      server.on('request', provider.callback());
    },
    async login(authorizationUrl, accountId) {
      const jar = new Map<string, string>();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop++) {
        const res = await fetch(url, {
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        for (const cookie of res.headers.getSetCookie()) {
          const [pair] = cookie.split(';');
          const eq = pair!.indexOf('=');
          const name = pair!.slice(0, eq);
          const value = pair!.slice(eq + 1);
          if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name);
          else jar.set(name, value);
        }
        const location = res.headers.get('location');
        if (!location) throw new Error(`provider answered ${res.status}: ${await res.text()}`);
        const next = new URL(location, url);
        if (next.origin !== issuer) return next;
        if (next.pathname.startsWith('/interaction/')) next.searchParams.set('login', accountId);
        url = next;
      }
      throw new Error('too many redirects at the provider');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
