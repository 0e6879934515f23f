/** The two named demo accounts every fresh stack has (printed in the start-up banner). */
export const DEMO_PASSWORD = 'authshift-demo';
export const DEMO_ACCOUNTS = [
  { email: 'admin@example.com', fullName: 'Demo Admin', role: 'admin' },
  { email: 'user@example.com', fullName: 'Demo User', role: 'user' },
] as const;
/** Bulk demo rows live on this domain, so the seeder's down() removes exactly them. */
export const DEMO_DOMAIN = 'demo.authshift.dev';
export const DEMO_DEFAULT_COUNT = 1000;
