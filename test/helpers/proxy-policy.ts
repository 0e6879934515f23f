import pg from 'pg';
import { createPolicyRepository } from '../../proxy/control/policy-repository.js';
import type { RolloutPolicy } from '../../proxy/policy/rollout-policy.js';

export async function readPolicy(databaseUrl: string): Promise<RolloutPolicy> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    return await createPolicyRepository(pool).read();
  } finally {
    await pool.end();
  }
}
