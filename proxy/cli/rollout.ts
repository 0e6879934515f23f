/** Entry point of `npm run rollout -- …` (see rollout-commands.ts for the verbs). */
import os from 'node:os';
import pg from 'pg';
import { loadProxyConfig } from '../config.js';
import { createPolicyRepository } from '../control/policy-repository.js';
import { runRollout } from './rollout-commands.js';
import { runEntry } from './run-entry.js';

runEntry(async () => {
  const config = loadProxyConfig(process.env);
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: 2,
    connectionTimeoutMillis: 5000,
  });
  try {
    return await runRollout(process.argv.slice(2), {
      repository: createPolicyRepository(pool),
      pool,
      overrideSecret: config.overrideSecret,
      defaultActor: `cli:${os.userInfo().username}`,
      nowSeconds: () => Math.floor(Date.now() / 1000),
      out: (line) => console.log(line),
    });
  } finally {
    await pool.end();
  }
});
