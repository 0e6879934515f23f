import { identifyHash } from './hash-formats.js';
import type { PasswordHasher } from './password-hasher.js';

/**
 * Flat login timing, the hasher's half (docs/security.md "Timing"): it learns how long a
 * verification of each kind takes (the median of the recent ones, per format and cost: a median,
 * because the first verification also starts the hashing threads), so that a failed login
 * can be made to last as long as the slowest kind (src/rate-limit/throttles.ts pads to
 * `floorMs`). A stored hash that cannot be verified at all (no password, unknown format) costs a
 * dummy verification too, as an unknown e-mail does, instead of answering at once.
 */
export interface TimedHasher {
  hasher: PasswordHasher;
  /**
   * How long a failed login should last: the recent median of the slowest kind of verification
   * seen so far, plus a margin (0 before any), so that the slowest kind's own logins, which add a
   * lookup and the machine's noise to the verification, are padded to it as well.
   */
  floorMs(): number;
  /** Measures the configured kinds once (argon2id and bcrypt), so the floor is right from the start. */
  calibrate(): Promise<void>;
}

/** The floor over the slowest kind's median: most of that kind's own attempts end below it. */
const MARGIN = 1.25;
/** Measurements kept per kind. */
const SAMPLES = 15;
/** Verifications of each configured kind that calibrate() measures (enough for a median). */
const CALIBRATION_ROUNDS = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
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
    floorMs: () => MARGIN * Math.max(0, ...[...samples.values()].map(median)),
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
