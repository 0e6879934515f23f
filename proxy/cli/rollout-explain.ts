import { EXIT, type ExitCode } from '../../src/lib/cli/exit-codes.js';
import { decideForEmail } from '../policy/decide.js';
import { percentThreshold } from '../policy/rollout-policy.js';
import type { RolloutCliDeps } from './rollout-commands.js';

/**
 * `rollout explain EMAIL…`: the arm and deciding rule for each address, by the proxy's decision
 * function and by the SQL function `authshift_rollout_decide`; exit 6 (mismatch) if they differ.
 */
export async function explain(
  deps: RolloutCliDeps,
  emails: string[],
  json: boolean,
): Promise<ExitCode> {
  const policy = await deps.repository.read();
  const { rows } = await deps.pool.query<{ arm: string; reason: string; bucket: number }>(
    `SELECT d.arm, d.reason, d.bucket
       FROM unnest($1::text[]) WITH ORDINALITY AS e(email, n)
       CROSS JOIN rollout_policy p
       CROSS JOIN LATERAL authshift_rollout_decide(e.email, p) d
      WHERE p.id = 1 ORDER BY e.n`,
    [emails],
  );
  const answers = emails.map((email, i) => {
    const mine = decideForEmail(email, policy);
    const sql = rows[i]!;
    return {
      email,
      arm: mine.arm,
      reason: mine.reason,
      bucket: mine.bucket ?? sql.bucket,
      threshold: percentThreshold(policy.percent),
      policy_version: policy.version,
      sql: { arm: sql.arm, reason: sql.reason },
      agree: sql.arm === mine.arm && sql.reason === mine.reason,
    };
  });
  if (json) deps.out(JSON.stringify(answers));
  else
    for (const a of answers)
      deps.out(
        `${a.email}  →  ${a.arm}  (${a.reason}; bucket ${a.bucket} vs threshold ${a.threshold}; policy v${a.policy_version})${a.agree ? '' : `  MISMATCH: SQL says ${a.sql.arm}/${a.sql.reason}`}`,
      );
  return answers.every((a) => a.agree) ? EXIT.ok : EXIT.mismatch;
}
