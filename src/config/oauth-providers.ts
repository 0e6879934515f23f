import { z } from 'zod';

/**
 * OAUTH_PROVIDERS: the OpenID Connect providers `/fu_auth` offers sign-in with, as one JSON array
 * (one variable keeps several providers together and is easy to template in deployments):
 *
 *   [{"name":"google","preset":"google","clientId":"…","clientSecret":"…"},
 *    {"name":"corp","issuer":"https://id.corp.example","clientId":"…","clientSecret":"…",
 *     "backend":"cookie","associateByEmail":true}]
 *
 * `name` is the path segment (`/fu_auth/{name}/authorize`) and the stored `oauth_name`. A preset
 * supplies the issuer of a well-known provider; any other provider is generic, with discovery.
 */
export const OAUTH_PRESETS = {
  google: { issuer: 'https://accounts.google.com' },
  gitlab: { issuer: 'https://gitlab.com' },
  // Microsoft Entra ID: one issuer per tenant. The multi-tenant endpoints (`common`,
  // `organizations`, `consumers`) issue ID tokens whose `iss` names the user's own tenant, which a
  // strict issuer check (rightly) refuses, so a tenant is required.
  microsoft: { issuer: 'https://login.microsoftonline.com/{tenant}/v2.0' },
} as const;

const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;
const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

/** Path segments of `/fu_auth` that a provider name must not shadow. */
const RESERVED_NAMES = new Set([
  'associate',
  'jwt',
  'cookie',
  'register',
  'forgot-password',
  'reset-password',
  'request-verify-token',
  'verify',
  'users',
  'legacy',
  'docs',
  'redoc',
]);

const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol), {
    error: 'must be an http:// or https:// URL',
  });

const provider = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, {
        error: 'must be 1-50 of a-z, 0-9, - and _, starting with a letter or digit',
      })
      .refine((name) => !RESERVED_NAMES.has(name), { error: 'is a /fu_auth route name' }),
    preset: z.enum(Object.keys(OAUTH_PRESETS) as [keyof typeof OAUTH_PRESETS]).optional(),
    /** The directory (tenant) id or domain, for presets whose issuer is per tenant (microsoft). */
    tenant: z
      .string()
      .regex(TENANT, { error: 'must be a tenant id or domain' })
      .refine((t) => !MULTI_TENANT.has(t.toLowerCase()), {
        error: 'must name one tenant (common, organizations and consumers have no fixed issuer)',
      })
      .optional(),
    issuer: httpUrl.optional(),
    clientId: z.string().min(1, 'must not be empty'),
    clientSecret: z.string().min(1, 'must not be empty'),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)).default(['openid', 'email']),
    /** Which login the callback performs: the bearer JWT (200 JSON) or the cookie (204). */
    backend: z.enum(['jwt', 'cookie']).default('jwt'),
    /** Where the provider sends the browser back; unset = this server's callback route. */
    redirectUrl: httpUrl.optional(),
    /** The associate router's redirect; unset = this server's associate callback route. */
    associateRedirectUrl: httpUrl.optional(),
    associateByEmail: z.boolean().default(false),
    isVerifiedByDefault: z.boolean().default(false),
  })
  .strict()
  .transform((p, ctx) => {
    const template = p.issuer ?? (p.preset ? OAUTH_PRESETS[p.preset].issuer : undefined);
    if (!template) {
      ctx.addIssue({ code: 'custom', message: `${p.name}: needs an issuer or a preset` });
      return z.NEVER;
    }
    const perTenant = template.includes('{tenant}');
    if (perTenant !== (p.tenant !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: perTenant
          ? `${p.name}: the ${p.preset} preset needs a tenant`
          : `${p.name}: tenant applies only to a per-tenant preset (microsoft)`,
      });
      return z.NEVER;
    }
    const { preset: _preset, tenant, ...rest } = p;
    return { ...rest, issuer: perTenant ? template.replace('{tenant}', tenant!) : template };
  });

export type OAuthProviderConfig = z.output<typeof provider>;

export const oauthProviders = z
  .string()
  .default('[]')
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of providers' });
      return z.NEVER;
    }
  })
  .pipe(z.array(provider, { error: 'must be a JSON array of providers' }))
  .refine((list) => new Set(list.map((p) => p.name)).size === list.length, {
    error: 'provider names must be unique',
  });

/**
 * SECURITY: production talks to providers over TLS only and sends users back over TLS only, to
 * URLs it was given: the default redirect (fastapi-users' `url_for`) is built from the request's
 * Host header, which any client chooses.
 */
export function oauthProductionProblems(providers: readonly OAuthProviderConfig[]): string[] {
  const problems: string[] = [];
  for (const p of providers) {
    for (const [field, value] of [
      ['issuer', p.issuer],
      ['redirectUrl', p.redirectUrl],
      ['associateRedirectUrl', p.associateRedirectUrl],
    ] as const) {
      if (value === undefined)
        problems.push(
          `OAUTH_PROVIDERS: ${p.name}.${field} must be set in production (the default comes from the request's Host header)`,
        );
      else if (new URL(value).protocol !== 'https:')
        problems.push(`OAUTH_PROVIDERS: ${p.name}.${field} must be https:// in production`);
    }
  }
  return problems;
}
