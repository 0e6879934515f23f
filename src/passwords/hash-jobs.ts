/**
 * The password work that runs on the hashing threads (hash-worker.ts), as plain data in and
 * out: argon2id (the new engine), bcrypt (the legacy engine) and PBKDF2 (passlib's
 * pbkdf2_sha256). Synchronous on purpose: each thread does one job at a time at a lower
 * priority than the event loop (see hash-pool.ts).
 */
import { pbkdf2Sync } from 'node:crypto';
import { hashSync as argon2Hash, verifySync as argon2Verify } from '@node-rs/argon2';
import bcrypt from 'bcrypt';

/** argon2id, version 19: `Algorithm.Argon2id` is a const enum, which isolated modules cannot inline. */
const ARGON2ID = 2;

export interface Argon2Cost {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export type HashJob =
  | { op: 'argon2-hash'; password: string; cost: Argon2Cost }
  | { op: 'argon2-verify'; password: string; hash: string }
  | { op: 'bcrypt-hash'; password: string; rounds: number }
  | { op: 'bcrypt-verify'; password: string; hash: string }
  | { op: 'pbkdf2-sha256'; password: string; salt: Buffer; rounds: number };

/** What each job answers: a hash, a verdict, or derived key bytes. */
export interface HashJobResults {
  'argon2-hash': string;
  'argon2-verify': boolean;
  'bcrypt-hash': string;
  'bcrypt-verify': boolean;
  'pbkdf2-sha256': Uint8Array;
}

export type HashJobResult = HashJobResults[keyof HashJobResults];

export function runHashJob(job: HashJob): HashJobResult {
  switch (job.op) {
    case 'argon2-hash':
      return argon2Hash(job.password, { algorithm: ARGON2ID, outputLen: 32, ...job.cost });
    case 'argon2-verify':
      return argon2Verify(job.hash, job.password);
    case 'bcrypt-hash':
      return bcrypt.hashSync(job.password, job.rounds);
    case 'bcrypt-verify':
      return bcrypt.compareSync(job.password, job.hash);
    case 'pbkdf2-sha256':
      return pbkdf2Sync(job.password, job.salt, job.rounds, 32, 'sha256');
  }
}
