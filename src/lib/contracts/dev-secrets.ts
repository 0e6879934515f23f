/**
 * Every development-only secret, monolith and proxy alike, in one place. They let `npm start`
 * work on a fresh clone; production refuses each of them in every secret variable (a secret set to
 * another variable's development default is just as public).
 */
export const DEV_SECRETS = {
  SESSION_SECRET: 'dev-only-session-secret-change-me',
  JWT_SECRET: 'dev-only-jwt-secret-change-me',
  RESET_PASSWORD_TOKEN_SECRET: 'dev-only-reset-secret-change-me',
  VERIFICATION_TOKEN_SECRET: 'dev-only-verification-secret-change-me',
  ROUTING_SECRET: 'dev-only-routing-secret-change-me',
  PROXY_ADMIN_TOKEN: 'dev-only-proxy-admin-token-change-me',
  PROXY_OVERRIDE_SECRET: 'dev-only-proxy-override-secret-change-me',
} as const;

export type DevSecretName = keyof typeof DEV_SECRETS;
