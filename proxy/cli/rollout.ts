/** Entry point of `npm run rollout -- …` (verbs: rollout-cli.ts; commands: rollout-commands.ts). */
import os from 'node:os';
import pg from 'pg';
import { runCli } from '../../src/lib/cli/run-cli.js';
import { loadProxyConfig } from '../config.js';
import { createPolicyRepository } from '../control/policy-repository.js';
import { ROLLOUT_CLI } from './rollout-cli.js';
import { runRollout } from './rollout-commands.js';

runCli(ROLLOUT_CLI, async () => {
  const config = loadProxyConfig(process.env);
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: 2,
    connectionTimeoutMillis: 5000,
  });
  pool.on('error', () => undefined);
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
