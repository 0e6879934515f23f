import type { z } from 'zod';

/** Every configuration problem at once, with the variable name and what was expected. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Parses a flat env with a zod schema; empty strings count as unset, as shells make them easy to
 * leave behind. `extraChecks` run on the raw env even when the schema fails, so one start-up
 * reports every problem at once.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Env,
  extraChecks: (env: Env) => string[] = () => [],
): z.output<S> {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  const problems = result.success
    ? []
    : result.error.issues.map(
        (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
      );
  problems.push(...extraChecks(cleaned));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
