import {
  freshProjectionSchema,
  type ProjectionTestBackend,
  projectionTestBackends,
} from "@bot/projection-runner/testing";
import { type SqlClient, sqlIdentifier } from "@bot/sql";
import { filesProjection } from "../../src/index.ts";

/** PGlite, plus server Postgres when DATABASE_URL is set. */
export function backends(applicationName: string): ProjectionTestBackend[] {
  return projectionTestBackends(applicationName);
}

/** A fresh files projection schema (tables and checkpoint). */
export function freshSchema(sql: SqlClient, label: string): Promise<string> {
  return freshProjectionSchema(sql, filesProjection, `f_${label}`);
}

/** Every row of both tables, ordered by key: what "the same rows" means. */
export async function snapshot(
  sql: SqlClient,
  schema: string,
): Promise<{ files: unknown[]; providerFiles: unknown[] }> {
  const s = sqlIdentifier(schema);
  const { rows: files } = await sql.query(`SELECT * FROM ${s}.files ORDER BY file_id`);
  const { rows: providerFiles } = await sql.query(
    `SELECT * FROM ${s}.provider_files ORDER BY provider, provider_file_id`,
  );
  return { files, providerFiles };
}
