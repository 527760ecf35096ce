import { sqlIdentifier } from "./identifiers.ts";
import type { SqlClient } from "./types.ts";

/** One forward-only schema change. Versions start at 1 and are never reused. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Applies the migrations newer than the recorded version, in order, each in its
 * own transaction together with its record in `<schema>.schema_migrations`. A
 * transaction-level advisory lock keyed on the schema name serialises concurrent
 * starters, so two processes never apply the same migration.
 */
export async function migrate(
  client: SqlClient,
  schemaName: string,
  migrations: readonly Migration[],
): Promise<number> {
  const schema = sqlIdentifier(schemaName);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migrations for ${schema} must be numbered 1..n without gaps; found ${migration.version}`,
      );
    }
  });
  let applied = 0;
  for (const migration of sorted) {
    const didApply = await client.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`migrate:${schema}`]);
      await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        );`);
      const done = await tx.query(`SELECT 1 FROM ${schema}.schema_migrations WHERE version = $1`, [
        migration.version,
      ]);
      if (done.rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (didApply) applied++;
  }
  return applied;
}
