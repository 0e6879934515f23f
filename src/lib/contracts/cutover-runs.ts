/**
 * The `cutover_runs` table as the cutover commands write it and the proxy's dashboard reads it.
 * The monolith owns the table (migrations/…create-cutover-runs.ts); this is the one declaration of
 * its row, so both sides break together when it changes (test/integration/db/database-contract
 * compares the columns with the live table).
 */

import { rowColumns } from './row-columns.js';

export const CUTOVER_RUNS_TABLE = 'cutover_runs';

export type RunKind = 'cutover' | 'rollback';
export type RunStatus = 'running' | 'done' | 'failed' | 'rolled_back' | 'interrupted';

/** One entry of `cutover_runs.steps` (JSONB). */
export interface StepRecord {
  name: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  durationMs?: number;
  detail?: string;
  error?: string;
}

/** A `cutover_runs` row as PostgreSQL returns it (`state` is the command's own record, parsed by its owner). */
export interface CutoverRunRow {
  id: number;
  kind: RunKind;
  status: RunStatus;
  current_step: string | null;
  steps: StepRecord[];
  state: unknown;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/** Every column of `cutover_runs`. */
export const CUTOVER_RUN_COLUMNS = rowColumns<CutoverRunRow>()([
  'id',
  'kind',
  'status',
  'current_step',
  'steps',
  'state',
  'error',
  'started_at',
  'finished_at',
]);
