import { QueryTypes, type Sequelize } from 'sequelize';
import { LEGACY_ONLY_USERS_VIEW } from '../lib/contracts/migration-state.js';
import { describeDrift, findDriftedTwins, type DriftedTwin } from '../twins/twin-drift.js';
import { describeGroup, findDuplicateGroups, type DuplicateGroup } from './duplicate-groups.js';

/**
 * What must be true before consolidation, read without changing anything (`cutover --dry-run`
 * and the first step of `--execute`). Blockers stop the cutover; the rest is information ops
 * should see (and support may act on) before the switch.
 */
export interface PreflightReport {
  pendingMigrations: string[];
  pendingConsolidation: string[];
  /** Legacy accounts sharing one canonical address, with who keeps it (or ambiguous). */
  duplicateGroups: DuplicateGroup[];
  hashCensus: Record<string, number>;
  unverifiable: { id: number; email: string }[];
  unverifiableCount: number;
  nullPasswords: number;
  inactiveUsers: number;
  fuWithoutTwin: { id: string; email: string }[];
  legacyWithoutFu: number;
  /** Twin pairs that disagree, each with the fields (e-mail, active, superuser, verified, password). */
  twinDisagreements: DriftedTwin[];
  blockers: string[];
}

const LISTED = 50;

const HASH_FORMAT_SQL = `CASE
  WHEN hashed_password IS NULL OR hashed_password = '' THEN 'none'
  WHEN hashed_password ~ '^\\$argon2(id|i|d)\\$' THEN 'argon2'
  WHEN hashed_password ~ '^\\$2[abxy]\\$[0-9]{2}\\$[A-Za-z0-9+/.]{53}$' THEN 'bcrypt'
  WHEN hashed_password ~ '^\\$pbkdf2-sha256\\$[0-9]+\\$[A-Za-z0-9./]*\\$[A-Za-z0-9./]{43}$' THEN 'pbkdf2_sha256'
  ELSE 'unknown' END`;

export async function runPreflight(
  sequelize: Sequelize,
  pending: { migrations: string[]; consolidation: string[] },
): Promise<PreflightReport> {
  const select = <T extends object>(sql: string) =>
    sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  const census = await select<{ format: string; n: string }>(
    `SELECT ${HASH_FORMAT_SQL} AS format, count(*) AS n FROM users GROUP BY 1 ORDER BY 1`,
  );
  const unverifiable = await select<{ id: number; email: string }>(
    `SELECT id, email FROM users WHERE ${HASH_FORMAT_SQL} = 'unknown' ORDER BY id LIMIT ${LISTED}`,
  );
  const [counts] = await select<{ inactive: string; legacy_only: string }>(
    `SELECT (SELECT count(*) FROM users WHERE is_active::text IN ('0', 'false')) AS inactive,
            (SELECT count(*) FROM ${LEGACY_ONLY_USERS_VIEW}) AS legacy_only`,
  );
  const fuWithoutTwin = await select<{ id: string; email: string }>(
    `SELECT id::text, email FROM fu_users WHERE legacy_user_id IS NULL ORDER BY email LIMIT ${LISTED}`,
  );
  const hashCensus = Object.fromEntries(census.map((r) => [r.format, Number(r.n)]));
  const report: PreflightReport = {
    pendingMigrations: pending.migrations,
    pendingConsolidation: pending.consolidation,
    duplicateGroups: await findDuplicateGroups(sequelize),
    hashCensus,
    unverifiable,
    unverifiableCount: hashCensus.unknown ?? 0,
    nullPasswords: hashCensus.none ?? 0,
    inactiveUsers: Number(counts?.inactive ?? 0),
    fuWithoutTwin,
    legacyWithoutFu: Number(counts?.legacy_only ?? 0),
    twinDisagreements: await findDriftedTwins(sequelize, { limit: LISTED }),
    blockers: [],
  };
  report.blockers = blockersOf(report);
  return report;
}

export function blockersOf(report: PreflightReport): string[] {
  const blockers: string[] = [];
  const ambiguous = report.duplicateGroups.filter((g) => g.ambiguous).length;
  const decided = report.duplicateGroups.length - ambiguous;
  if (report.pendingMigrations.length > 0)
    blockers.push(
      `${report.pendingMigrations.length} pending migration(s): run npm run migrate -- up`,
    );
  if (decided > 0)
    blockers.push(
      `${decided} e-mail address(es) held by several accounts (same canonical address): run npm run users -- dedupe --apply`,
    );
  if (ambiguous > 0)
    blockers.push(
      `${ambiguous} ambiguous address group(s) (several confirmed accounts): an operator names each keeper with npm run users -- dedupe --apply --keep ID`,
    );
  if (report.fuWithoutTwin.length > 0)
    blockers.push(
      `${report.fuWithoutTwin.length}+ fu_users row(s) without a legacy twin: link or delete them`,
    );
  if (report.twinDisagreements.length > 0)
    blockers.push(
      `${report.twinDisagreements.length}${report.twinDisagreements.length >= LISTED ? '+' : ''} twin(s) disagree between users and fu_users: review with npm run users -- reconcile, apply with --apply`,
    );
  return blockers;
}

export function formatPreflight(report: PreflightReport): string[] {
  const census = Object.entries(report.hashCensus).map(([f, n]) => `${f}=${n}`);
  return [
    `pending migrations: ${report.pendingMigrations.length ? report.pendingMigrations.join(', ') : 'none'}`,
    `consolidation steps to run: ${report.pendingConsolidation.length}`,
    `hash formats: ${census.join(' ') || 'no users'}`,
    `NULL passwords (invited, cannot log in until they set one): ${report.nullPasswords}`,
    `unverifiable hashes (unknown format, cannot log in on either engine): ${report.unverifiableCount}`,
    ...report.unverifiable.map((u) => `  unverifiable: id=${u.id} ${u.email}`),
    `inactive users: ${report.inactiveUsers}`,
    `legacy users without a fu_users row (legacy-only, fine): ${report.legacyWithoutFu}`,
    `fu_users rows without a legacy twin: ${report.fuWithoutTwin.length}`,
    ...report.fuWithoutTwin.map((f) => `  no twin: ${f.id} ${f.email}`),
    `addresses held by several accounts (canonical duplicates): ${report.duplicateGroups.length}`,
    ...report.duplicateGroups.map((g) => `  ${describeGroup(g)}`),
    `twins that disagree: ${report.twinDisagreements.length}`,
    ...report.twinDisagreements.map((t) => `  ${describeDrift(t)}`),
    report.blockers.length === 0 ? 'blockers: none' : `blockers (${report.blockers.length}):`,
    ...report.blockers.map((b) => `  BLOCKER ${b}`),
  ];
}
