/**
 * The admin API's routes (an Express router mounted at /api, behind admin-auth.ts):
 *   GET  /api/policy                       → { policy }
 *   POST /api/policy/changes               { op, …, reason, actor?, expected_version? } → { outcome, policy }
 *   GET  /api/policy/history?limit&offset  → { entries, total, limit, offset } (newest first)
 *   GET  /api/guard                        → guard window, thresholds and last trip
 *   POST /api/explain                      { email } → { arm, reason, bucket, threshold, policy_version }
 *   GET  /api/timeseries                   → this instance's per-arm series (the dashboard's charts)
 *   GET  /api/migration                    → user_store, account counts, last cutover/rollback, snapshots
 *   GET  /api/dashboard/settings           → what the dashboard page needs to know about this proxy
 * Changes go through the same repository call as `npm run rollout`; a change made from the
 * dashboard is audited with the actor `dashboard` (or `dashboard:<name>` when the operator gave one).
 */
import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { policyChangeSchema } from '../control/policy-change.js';
import type { AuditEntry, PolicyRepository } from '../control/policy-repository.js';
import type { Guard, GuardSettings } from '../guard/guard.js';
import type { ArmTimeSeries } from '../timeseries/arm-time-series.js';
import { decideForEmail } from '../policy/decide.js';
import type { PolicyStore } from '../policy/policy-store.js';
import { percentThreshold, policyToJson, type RolloutPolicy } from '../policy/rollout-policy.js';
import { ProxyError } from '../proxy-errors.js';
import { principalOf, type AdminPrincipal } from './admin-auth.js';
import { databaseCall, methodNotAllowed } from './admin-errors.js';
import type { MigrationState } from './migration-state.js';

export interface AdminRouteDeps {
  repository: PolicyRepository;
  policyStore: PolicyStore;
  guard: Guard;
  series: ArmTimeSeries;
  migrationState: MigrationState;
  /** Which proxy process answers (host:pid): the time series are per instance. */
  instance: string;
  config: { guard: GuardSettings; dashboard: { percentConfirmStep: number } };
}

const changeRequest = z.object({
  reason: z.string().trim().min(1, 'a reason is required').max(500),
  actor: z.string().trim().min(1).max(200).optional(),
  expected_version: z.number().int().positive().optional(),
});
const explainRequest = z.object({ email: z.string().min(1) });
const page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  throw new ProxyError('INVALID_REQUEST', { issues });
}

/** Audit rows without the row metadata (it is the entry's own actor/at/reason). */
function auditPolicy(policy: RolloutPolicy | null) {
  if (!policy) return null;
  const { updated_at: _a, updated_by: _b, reason: _c, ...rest } = policyToJson(policy);
  return rest;
}

export function auditEntryToJson(entry: AuditEntry) {
  return { ...entry, old: auditPolicy(entry.old), new: auditPolicy(entry.new) };
}

/**
 * SECURITY: JSON whatever the Content-Type says (`curl -d` sends a form type), at most 64 KiB,
 * never compressed. Cookie-authenticated changes also need the dashboard header, which no
 * cross-site form can send (admin-auth.ts).
 */
const jsonBody = express.json({ type: () => true, limit: '64kb', inflate: false });
/** The parsed body; no body at all reads as `{}`. */
const bodyOf = (req: Request): unknown => req.body ?? {};

/** Dashboard changes are always attributed to the dashboard; the operator may add a name. */
function actorOf(principal: AdminPrincipal, given: string | undefined): string {
  if (principal === 'dashboard') return given ? `dashboard:${given}` : 'dashboard';
  return given ?? 'admin-api';
}

/** A route's handler, given what the admin API reads and changes. */
type Handler = (deps: AdminRouteDeps) => RequestHandler;

const readPolicy: Handler = (deps) => async (_req, res) => {
  const policy = await databaseCall(() => deps.repository.read());
  res.json({ policy: policyToJson(policy) });
};

const changePolicy: Handler = (deps) => async (req, res) => {
  const change = parse(policyChangeSchema, bodyOf(req));
  const meta = parse(changeRequest, bodyOf(req));
  const result = await databaseCall(() =>
    deps.repository.change(change, {
      actor: actorOf(principalOf(res), meta.actor),
      reason: meta.reason,
      ...(meta.expected_version ? { expectedVersion: meta.expected_version } : {}),
    }),
  );
  if (result.outcome === 'conflict')
    throw new ProxyError('POLICY_VERSION_CONFLICT', { policy: policyToJson(result.policy) });
  await deps.policyStore.refresh();
  res.json({ outcome: result.outcome, policy: policyToJson(result.policy) });
};

const policyHistory: Handler = (deps) => async (req, res) => {
  const { limit, offset } = parse(page, req.query);
  const { entries, total } = await databaseCall(() => deps.repository.history({ limit, offset }));
  res.json({ entries: entries.map(auditEntryToJson), total, limit, offset });
};

const guardStatus: Handler = (deps) => (_req, res) => {
  res.json(deps.guard.status());
};

const explain: Handler = (deps) => (req, res) => {
  const { email } = parse(explainRequest, bodyOf(req));
  const policy = deps.policyStore.current();
  const decision = decideForEmail(email, policy);
  res.json({
    arm: decision.arm,
    reason: decision.reason,
    bucket: decision.bucket ?? null,
    threshold: percentThreshold(policy.percent),
    policy_version: policy.version,
  });
};

const timeSeries: Handler = (deps) => (_req, res) => {
  const { guard } = deps.config;
  res.json({
    instance: deps.instance,
    ...deps.series.toJson(),
    guard: {
      enabled: guard.enabled,
      error_rate_limit: guard.errorRate,
      min_requests: guard.minRequests,
      window_seconds: guard.windowSeconds,
    },
  });
};

const migration: Handler = (deps) => async (_req, res) => {
  res.json(await databaseCall(() => deps.migrationState.read()));
};

const dashboardSettings: Handler = (deps) => (_req, res) => {
  res.json({
    instance: deps.instance,
    percent_confirm_step: deps.config.dashboard.percentConfirmStep,
  });
};

/** The API under /api: every route answers its methods and 405 to the others. */
export function createAdminRouter(deps: AdminRouteDeps): express.Router {
  const router = express.Router();
  router.route('/policy').get(readPolicy(deps)).all(methodNotAllowed);
  router.route('/policy/changes').post(jsonBody, changePolicy(deps)).all(methodNotAllowed);
  router.route('/policy/history').get(policyHistory(deps)).all(methodNotAllowed);
  router.route('/guard').get(guardStatus(deps)).all(methodNotAllowed);
  router.route('/explain').post(jsonBody, explain(deps)).all(methodNotAllowed);
  router.route('/timeseries').get(timeSeries(deps)).all(methodNotAllowed);
  router.route('/migration').get(migration(deps)).all(methodNotAllowed);
  router.route('/dashboard/settings').get(dashboardSettings(deps)).all(methodNotAllowed);
  return router;
}
