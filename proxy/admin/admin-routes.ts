/**
 * The admin API's routes (JSON over plain node:http; tiny, so no framework):
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
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { policyChangeSchema } from '../control/policy-change.js';
import type { AuditEntry, PolicyRepository } from '../control/policy-repository.js';
import type { Guard, GuardSettings } from '../guard/guard.js';
import type { ArmTimeSeries } from '../timeseries/arm-time-series.js';
import { decideForEmail } from '../policy/decide.js';
import type { PolicyStore } from '../policy/policy-store.js';
import { percentThreshold, policyToJson, type RolloutPolicy } from '../policy/rollout-policy.js';
import { ProxyError } from '../proxy-errors.js';
import type { AdminPrincipal } from './admin-auth.js';
import { readJson, sendJson } from './json-io.js';
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

export type AdminRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  principal: AdminPrincipal,
) => Promise<void>;

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

async function dbCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    throw new ProxyError('DATABASE_UNAVAILABLE', undefined, { cause: error });
  }
}

/** Dashboard changes are always attributed to the dashboard; the operator may add a name. */
function actorOf(principal: AdminPrincipal, given: string | undefined): string {
  if (principal === 'dashboard') return given ? `dashboard:${given}` : 'dashboard';
  return given ?? 'admin-api';
}

export function createAdminRoutes(deps: AdminRouteDeps) {
  const routes: Record<string, AdminRoute> = {
    'GET /api/policy': async (_req, res) => {
      const policy = await dbCall(() => deps.repository.read());
      sendJson(res, 200, { policy: policyToJson(policy) });
    },
    'POST /api/policy/changes': async (req, res, _url, principal) => {
      const body = await readJson(req);
      const change = parse(policyChangeSchema, body);
      const meta = parse(changeRequest, body);
      const result = await dbCall(() =>
        deps.repository.change(change, {
          actor: actorOf(principal, meta.actor),
          reason: meta.reason,
          ...(meta.expected_version ? { expectedVersion: meta.expected_version } : {}),
        }),
      );
      if (result.outcome === 'conflict')
        throw new ProxyError('POLICY_VERSION_CONFLICT', { policy: policyToJson(result.policy) });
      await deps.policyStore.refresh();
      sendJson(res, 200, { outcome: result.outcome, policy: policyToJson(result.policy) });
    },
    'GET /api/policy/history': async (_req, res, url) => {
      const { limit, offset } = parse(page, Object.fromEntries(url.searchParams));
      const { entries, total } = await dbCall(() => deps.repository.history({ limit, offset }));
      sendJson(res, 200, { entries: entries.map(auditEntryToJson), total, limit, offset });
    },
    'GET /api/guard': async (_req, res) => {
      sendJson(res, 200, deps.guard.status());
    },
    'POST /api/explain': async (req, res) => {
      const { email } = parse(explainRequest, await readJson(req));
      const policy = deps.policyStore.current();
      const decision = decideForEmail(email, policy);
      sendJson(res, 200, {
        arm: decision.arm,
        reason: decision.reason,
        bucket: decision.bucket ?? null,
        threshold: percentThreshold(policy.percent),
        policy_version: policy.version,
      });
    },
    'GET /api/timeseries': async (_req, res) => {
      const { guard } = deps.config;
      sendJson(res, 200, {
        instance: deps.instance,
        ...deps.series.toJson(),
        guard: {
          enabled: guard.enabled,
          error_rate_limit: guard.errorRate,
          min_requests: guard.minRequests,
          window_seconds: guard.windowSeconds,
        },
      });
    },
    'GET /api/migration': async (_req, res) => {
      sendJson(res, 200, await dbCall(() => deps.migrationState.read()));
    },
    'GET /api/dashboard/settings': async (_req, res) => {
      sendJson(res, 200, {
        instance: deps.instance,
        percent_confirm_step: deps.config.dashboard.percentConfirmStep,
      });
    },
  };
  return routes;
}
