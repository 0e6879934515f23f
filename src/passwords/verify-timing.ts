import { identifyHash } from './hash-formats.js';
import type { PasswordHasher } from './password-hasher.js';

/**
 * Flat login timing, the hasher's half (docs/security.md "Timing"): it learns how long a
 * verification of each kind takes (a percentile of the recent ones, per format and cost, not the
 * latest: the first verification also starts the hashing threads), so that a failed login
 * can be made to last as long as the slowest kind (src/rate-limit/throttles.ts pads to
 * `floorMs`). A stored hash that cannot be verified at all (no password, unknown format) costs a
 * dummy verification too, as an unknown e-mail does, instead of answering at once.
 */
export interface TimedHasher {
  hasher: PasswordHasher;
  /**
   * How long a failed login should last: the 90th percentile of the slowest kind's recent
   * verifications, plus 10 % (0 before any), so that the slowest kind's own logins, which add a
   * lookup and the machine's noise to the verification, are padded to it as well.
   */
  floorMs(): number;
  /** Measures the configured kinds once (argon2id and bcrypt), so the floor is right from the start. */
  calibrate(): Promise<void>;
}

/**
 * The floor: a high percentile of the slowest kind's recent times, plus a margin, so that nearly
 * every attempt of every kind ends below it and what a client sees is the floor alone; over many
 * samples it moves slowly, so every class meets the same floor.
 */
const PERCENTILE = 0.9;
const MARGIN = 1.1;
/** Samples of a kind before its percentile is trusted over its median. */
const ENOUGH = 20;
/** Measurements kept per kind. */
const SAMPLES = 64;
/** Verifications of each configured kind that calibrate() measures (enough for a median). */
const CALIBRATION_ROUNDS = 3;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/** The cost class of a stored hash: its format and parameters, never the salt or digest. */
function costClass(stored: string | null | undefined): string {
  const format = identifyHash(stored);
  if (format === 'argon2') return (stored as string).split('$').slice(0, 4).join('$');
  if (format === 'bcrypt') return `bcrypt:${(stored as string).slice(4, 6)}`;
  if (format === 'pbkdf2_sha256') return `pbkdf2:${(stored as string).split('$')[2]}`;
  return 'dummy';
}

export function withVerifyTiming(inner: PasswordHasher): TimedHasher {
  const samples = new Map<string, number[]>();
  const record = (kind: string, ms: number) => {
    const recent = samples.get(kind) ?? [];
    recent.push(ms);
    if (recent.length > SAMPLES) recent.shift();
    samples.set(kind, recent);
  };
  async function timed<T>(kind: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    record(kind, performance.now() - started);
    return result;
  }

  const hasher: PasswordHasher = {
    ...inner,
    async verify(password, stored) {
      const format = identifyHash(stored);
      if (format === 'none' || format === 'unknown') {
        // SECURITY: no password is no shortcut; it costs what an unknown e-mail costs.
        await timed('dummy', () => inner.dummyVerify(password));
        return false;
      }
      return timed(costClass(stored), () => inner.verify(password, stored));
    },
    dummyVerify: (password) => timed('dummy', () => inner.dummyVerify(password)),
  };

  return {
    hasher,
    floorMs: () =>
      MARGIN *
      Math.max(
        0,
        // Until a kind has enough samples its median is used: a high percentile of a few would
        // be the first one, which also started the hashing threads.
        ...[...samples.values()].map((recent) =>
          percentile(recent, recent.length >= ENOUGH ? PERCENTILE : 0.5),
        ),
      ),
    async calibrate() {
      const hashes = [
        await inner.hash('authshift-other'),
        await inner.hashLegacy('authshift-other'),
      ];
      for (let round = 0; round < CALIBRATION_ROUNDS; round += 1)
        for (const stored of hashes) await hasher.verify('authshift-calibration', stored);
    },
  };
}
