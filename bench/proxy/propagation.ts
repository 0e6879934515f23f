import pg from 'pg';

/** Worst time, over five policy changes made with SQL, until every proxy reports the new version. */
export async function propagationMs(databaseUrl: string, admins: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let worst = 0;
  try {
    for (let i = 1; i <= 5; i++) {
      const t0 = performance.now();
      const { rows } = await client.query<{ version: string }>(
        `UPDATE rollout_policy SET percent = $1, updated_by = 'bench', reason = 'propagation' WHERE id = 1 RETURNING version`,
        [i],
      );
      const version = Number(rows[0]!.version);
      await Promise.all(
        admins.map(async (admin) => {
          for (;;) {
            const body = (await (await fetch(`${admin}/readyz`)).json()) as {
              policy_version: number;
            };
            if (body.policy_version >= version) return;
            await new Promise((r) => setTimeout(r, 5));
          }
        }),
      );
      worst = Math.max(worst, performance.now() - t0);
    }
  } finally {
    await client.end();
  }
  return worst;
}
