/**
 * What `npm start` prints once every service answers: where each one is, and — in development
 * only — what a newcomer needs next: the dashboard's token, a psql command for the embedded
 * database, the demo accounts and their password. SECURITY: a secret is printed only when it is
 * the public development default that ships in this repository; never one an operator set.
 */
import {
  DEMO_ACCOUNTS,
  DEMO_DEFAULT_COUNT,
  DEMO_DOMAIN,
  DEMO_PASSWORD,
} from '../demo/demo-accounts.js';

export type BannerDatabase =
  { embedded: true; url: string; port: number; dataDir: string } | { embedded: false };

export interface BannerInput {
  development: boolean;
  /** One line per address, from the service specs. */
  services: string[];
  /** The admin token in effect if it is the development default; undefined if one was set. */
  devAdminToken: string | undefined;
  database: BannerDatabase;
}

export function stackBanner(input: BannerInput): string {
  return [
    '',
    '  authshift is running',
    ...input.services.map((line) => `    ${line}`),
    ...(input.development ? tokenLines(input.devAdminToken) : []),
    ...databaseLines(input.database, input.development),
    ...(input.development ? demoLines() : []),
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

function tokenLines(devAdminToken: string | undefined): string[] {
  return [
    devAdminToken
      ? `    token      ${devAdminToken}  (development PROXY_ADMIN_TOKEN: the dashboard asks for it once)`
      : '    token      the PROXY_ADMIN_TOKEN you set (the dashboard asks for it once)',
  ];
}

function databaseLines(database: BannerDatabase, development: boolean): string[] {
  if (!database.embedded)
    return ['    database   the server in DATABASE_URL  (psql "$DATABASE_URL")'];
  return [
    `    database   embedded PostgreSQL on 127.0.0.1:${database.port}  (data in ${database.dataDir})`,
    ...(development ? [`    psql       psql '${database.url}'`] : []),
  ];
}

function demoLines(): string[] {
  const named = DEMO_ACCOUNTS.map(
    (a) => `    ${a.email.padEnd(20)} ${a.role.padEnd(6)} password: ${DEMO_PASSWORD}`,
  );
  return [
    '  demo accounts (legacy bcrypt hashes, seeded into an empty database):',
    ...named,
    `    demo-user-N@${DEMO_DOMAIN} (N = 1…${DEMO_DEFAULT_COUNT}) password: ${DEMO_PASSWORD}` +
      '  (every 100th has none; N = 50, 150, … are inactive)',
  ];
}
