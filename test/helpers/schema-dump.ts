import pg from 'pg';

/**
 * A comparable description of a database's schema: tables and columns, constraints, indexes,
 * views, functions and triggers of the public schema. Two dumps are equal when a client could not
 * tell the schemas apart.
 */
export async function dumpSchema(
  url: string,
  options: { exclude?: string[] } = {},
): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const exclude = options.exclude ?? [];
  try {
    const queries = [
      `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
              || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-') AS line
         FROM information_schema.columns WHERE table_schema = 'public' AND NOT (table_name = ANY($1))`,
      `SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND NOT (conrelid::regclass::text = ANY($1))`,
      `SELECT 'index ' || indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND NOT (tablename = ANY($1))`,
      `SELECT 'view ' || viewname || ' ' || pg_get_viewdef(viewname::regclass) AS line FROM pg_views WHERE schemaname = 'public' AND $1::text[] IS NOT NULL`,
      `SELECT 'function ' || p.proname || '(' || pg_get_function_arguments(p.oid) || ') ' || md5(pg_get_functiondef(p.oid)) AS line
         FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND $1::text[] IS NOT NULL`,
      `SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname || ' ' || pg_get_triggerdef(oid) AS line
         FROM pg_trigger WHERE NOT tgisinternal AND $1::text[] IS NOT NULL`,
    ];
    const lines: string[] = [];
    for (const sql of queries) {
      const { rows } = await client.query<{ line: string }>(sql, [exclude]);
      lines.push(...rows.map((r) => r.line));
    }
    return lines.sort();
  } finally {
    await client.end();
  }
}

export async function publicTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>(
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    return rows.map((r) => r.t);
  } finally {
    await client.end();
  }
}
