import type { Migration } from '../src/db/migrator.js';

export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE contacts (
      id         SERIAL PRIMARY KEY,
      owner_id   INT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name       VARCHAR(255) NOT NULL,
      email      VARCHAR(255) NULL,
      phone      VARCHAR(64) NULL,
      company    VARCHAR(255) NULL,
      notes      TEXT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
  await query(`CREATE INDEX contacts_owner_id_idx ON contacts (owner_id)`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE contacts`);
};
