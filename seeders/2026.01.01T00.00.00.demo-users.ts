import bcrypt from 'bcrypt';
import type { Migration } from '../src/db/migrator.js';
import {
  DEMO_ACCOUNTS,
  DEMO_DEFAULT_COUNT,
  DEMO_DOMAIN,
  DEMO_PASSWORD,
} from '../src/demo/demo-accounts.js';
import { hashPbkdf2Sha256 } from '../src/passwords/pbkdf2-sha256.js';

/**
 * Demo legacy users with a realistic mix, in one set-based statement (a million rows in seconds):
 * per 100 rows, 1 with no password (invited), 8 passlib pbkdf2_sha256, 91 bcrypt; 1 in 100
 * inactive; 1 in 1000 admin; plus a few pairs whose e-mails differ only by case (a legacy quirk
 * preflight must find). Every row with a password uses DEMO_PASSWORD. Idempotent: re-running
 * keeps existing rows (ON CONFLICT DO NOTHING), so `--count` can grow the set.
 */
export const up: Migration = async ({ context: { query, params, log } }) => {
  const count = Number(params.count ?? DEMO_DEFAULT_COUNT);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new Error(`--count must be a whole number, got ${params.count}`);
  // Hashes are computed once and reused, which is what makes the insert set-based.
  const bcryptHash = await bcrypt.hash(DEMO_PASSWORD, 12);
  const pbkdf2Hash = await hashPbkdf2Sha256(DEMO_PASSWORD);

  for (const account of DEMO_ACCOUNTS) {
    await query(
      `INSERT INTO users (email, full_name, hashed_password, role, email_confirmed_at)
       VALUES (:email, :fullName, :hash, :role, now()) ON CONFLICT (email) DO NOTHING`,
      { email: account.email, fullName: account.fullName, hash: bcryptHash, role: account.role },
    );
  }
  await query(
    `INSERT INTO users (email, full_name, hashed_password, is_active, role, email_confirmed_at, created_at, updated_at)
     SELECT format('demo-user-%s@${DEMO_DOMAIN}', g),
            format('Demo User %s', g),
            CASE WHEN g % 100 = 0 THEN NULL WHEN g % 100 <= 8 THEN :pbkdf2 ELSE :bcrypt END,
            CASE WHEN g % 100 = 50 THEN 0 ELSE 1 END,
            CASE WHEN g % 1000 = 7 THEN 'admin' ELSE 'user' END,
            CASE WHEN g % 3 = 0 THEN NULL ELSE now() - make_interval(days => g % 700) END,
            now() - make_interval(days => g % 900),
            now() - make_interval(days => g % 300)
       FROM generate_series(1, :count) AS g
     ON CONFLICT (email) DO NOTHING`,
    { count, bcrypt: bcryptHash, pbkdf2: pbkdf2Hash },
  );
  await query(
    `INSERT INTO users (email, full_name, hashed_password, created_at, updated_at)
     SELECT format('Demo-User-%s@${DEMO_DOMAIN}', g), format('Demo User %s (duplicate)', g), :bcrypt,
            now() - make_interval(days => g), now() - make_interval(days => g)
       FROM generate_series(11, 10 + LEAST(5, :count / 200)) AS g
     ON CONFLICT (email) DO NOTHING`,
    { count, bcrypt: bcryptHash },
  );
  const [row] = await query<{ n: string }>(
    `SELECT count(*) AS n FROM users WHERE email ILIKE :pattern`,
    {
      pattern: `%@${DEMO_DOMAIN}`,
    },
  );
  log(`demo users present: ${row?.n ?? 0} (+${DEMO_ACCOUNTS.length} named accounts)`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DELETE FROM users WHERE email ILIKE :pattern OR email IN (:named)`, {
    pattern: `%@${DEMO_DOMAIN}`,
    named: DEMO_ACCOUNTS.map((a) => a.email),
  });
};
