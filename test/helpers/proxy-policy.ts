import { createPolicyRepository } from '../../proxy/control/policy-repository.js';
import type { RolloutPolicy } from '../../proxy/policy/rollout-policy.js';
import { testPool } from './database.js';

export async function readPolicy(databaseUrl: string): Promise<RolloutPolicy> {
  const pool = testPool(databaseUrl, 1);
  try {
    return await createPolicyRepository(pool).read();
  } finally {
    await pool.end();
  }
}
