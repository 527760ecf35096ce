import { isoTime, type SqlExecutor, sqlIdentifier } from "@bot/sql";
import { LIVE_SCHEMA } from "./live-schema.ts";

/** Files of one kind from one source. */
export interface FileKindStats {
  readonly kind: string;
  readonly source: string;
  readonly files: number;
  readonly bytes: bigint;
}

/** What operators see of the files read model. */
export interface FileStats {
  /** By kind then source. */
  readonly byKind: readonly FileKindStats[];
  readonly files: number;
  readonly bytes: bigint;
  /** Tool outputs not yet delivered to the chat, and when the oldest of them was produced. */
  readonly pendingOutputs: number;
  readonly oldestPendingOutputAt: string | null;
  /** Provider-side copies still believed to exist, and those recorded as deleted. */
  readonly providerFilesLive: number;
  readonly providerFilesDeleted: number;
}

/** Counts and sizes of the files read model, for operators. */
export async function fileStats(sql: SqlExecutor, schema = LIVE_SCHEMA): Promise<FileStats> {
  const files = `${sqlIdentifier(schema)}.files`;
  const { rows: kinds } = await sql.query<{ kind: string; source: string; files: string; bytes: string }>(
    `SELECT kind, source, count(*)::text AS files, sum(size_bytes)::text AS bytes
       FROM ${files} GROUP BY kind, source ORDER BY kind, source`,
  );
  const { rows: summary } = await sql.query<{
    pending: string;
    oldest: Date | string | null;
    live: string;
    deleted: string;
  }>(
    `SELECT (SELECT count(*) FROM ${files} WHERE source = 'assistant' AND delivered_at IS NULL)::text AS pending,
            (SELECT min(received_at) FROM ${files} WHERE source = 'assistant' AND delivered_at IS NULL) AS oldest,
            (SELECT count(*) FROM ${sqlIdentifier(schema)}.provider_files WHERE deleted_at IS NULL)::text AS live,
            (SELECT count(*) FROM ${sqlIdentifier(schema)}.provider_files WHERE deleted_at IS NOT NULL)::text AS deleted`,
  );
  const byKind = kinds.map((raw) => ({
    kind: raw.kind,
    source: raw.source,
    files: Number(raw.files),
    bytes: BigInt(raw.bytes),
  }));
  const row = summary[0];
  return {
    byKind,
    files: byKind.reduce((total, line) => total + line.files, 0),
    bytes: byKind.reduce((total, line) => total + line.bytes, 0n),
    pendingOutputs: Number(row?.pending ?? 0),
    oldestPendingOutputAt: row?.oldest ? isoTime(row.oldest) : null,
    providerFilesLive: Number(row?.live ?? 0),
    providerFilesDeleted: Number(row?.deleted ?? 0),
  };
}
