/**
 * What an online rebuild of `users` turns the table into (see online-rebuild.ts). A shape is data:
 * the DDL that gives an empty copy of the table its target columns, one SQL expression per target
 * column, the indexes and triggers that come and go, and what changes inside the swap transaction.
 * Everything else the table has (other indexes, constraints, triggers, grants, the foreign keys
 * and views that point at it) is carried over as it is.
 */
export interface RebuildColumn {
  name: string;
  /** The value, from `users u` (and whatever `RebuildShape.from` joins). */
  expr: string;
  /**
   * How verification compares this column when `expr` is not reproducible (a random UUID):
   * `source` over `RebuildShape.from`, `target` over the rebuilt table `s`.
   */
  verify?: { source: string; target: string };
}

export interface RebuildIndex {
  /** The final name; the index is built under a temporary name and renamed at the swap. */
  name: string;
  /** CREATE INDEX statement for `table` under the name `name`. */
  definition(table: string, name: string): string;
}

export interface RebuildShape {
  /** Names the shadow table, its change log and progress: `users__<id>`. */
  id: string;
  /** DDL on the empty shadow (`LIKE users`, so it starts with users' columns). */
  reshape(shadow: string): string[];
  /** `users u` plus joins; one row per users row (joins must be to at most one row). */
  from: string;
  columns: RebuildColumn[];
  /** Tables whose writes change a target row, with the column holding that row's users.id. */
  capture: { table: string; key: string }[];
  dropIndexes: string[];
  addIndexes: RebuildIndex[];
  dropTriggers: string[];
  /** Run inside the swap transaction, after the rebuilt table became `users`. */
  afterSwap: string[];
  /** True when `users` already has this shape (the swap committed in an earlier attempt). */
  appliedSql: string;
}

export const REBUILT_TABLE = 'users';

export const shadowOf = (shape: RebuildShape) => `users__${shape.id}`;
export const logOf = (shape: RebuildShape) => `users__${shape.id}_log`;
export const captureFunctionOf = (shape: RebuildShape) => `authshift_capture_${shape.id}`;
export const captureTriggerOf = (shape: RebuildShape) => `users__${shape.id}_capture`;
export const progressJobOf = (shape: RebuildShape) => `rebuild-users-${shape.id}`;

const TEMPORARY_SUFFIX = '__rb';

/**
 * Index names share one namespace per schema, so the shadow's indexes are built under a
 * temporary name while the live table still owns the real one, and renamed at the swap.
 */
export function temporaryIndexName(name: string): string {
  if (name.length + TEMPORARY_SUFFIX.length > 63)
    throw new Error(`index name too long to rebuild under a temporary name: ${name}`);
  return `${name}${TEMPORARY_SUFFIX}`;
}

export function finalIndexName(temporary: string): string | null {
  return temporary.endsWith(TEMPORARY_SUFFIX) ? temporary.slice(0, -TEMPORARY_SUFFIX.length) : null;
}
