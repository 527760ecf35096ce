import { isoTime, type SqlExecutor, sqlIdentifier } from "@bot/sql";
import { LIVE_SCHEMA } from "./live-schema.ts";
import { isUuid } from "./uuid.ts";

/** A provider-side copy of a thread file (Anthropic Files API and the like). */
export interface ProviderFileRow {
  readonly provider: string;
  readonly providerFileId: string;
  readonly fileId: string;
  readonly stream: string;
  readonly userId: number;
  readonly uploadedAt: string;
  /** When the provider deletes it by itself; null: kept until we delete it. */
  readonly expiresAt: string | null;
  readonly deletedAt: string | null;
  readonly deletedReason: "expired" | "retention" | "missing" | null;
}

/** A copy the clean-up job should delete (or record as gone), and the reason to record. */
export interface ProviderFileToDelete extends ProviderFileRow {
  readonly reason: "expired" | "retention";
}

interface RawProviderFileRow {
  provider: string;
  provider_file_id: string;
  file_id: string;
  stream: string;
  user_id: string;
  uploaded_at: Date | string;
  expires_at: Date | string | null;
  deleted_at: Date | string | null;
  deleted_reason: "expired" | "retention" | "missing" | null;
}

const PROVIDER_FILE_COLUMNS = `provider, provider_file_id, file_id::text AS file_id, stream, user_id::text AS user_id,
  uploaded_at, expires_at, deleted_at, deleted_reason`;

function toProviderFile(raw: RawProviderFileRow): ProviderFileRow {
  return {
    provider: raw.provider,
    providerFileId: raw.provider_file_id,
    fileId: raw.file_id,
    stream: raw.stream,
    userId: Number(raw.user_id),
    uploadedAt: isoTime(raw.uploaded_at),
    expiresAt: raw.expires_at === null ? null : isoTime(raw.expires_at),
    deletedAt: raw.deleted_at === null ? null : isoTime(raw.deleted_at),
    deletedReason: raw.deleted_reason,
  };
}

/** Every provider copy of a file, deleted ones included, oldest upload first. */
export async function listProviderFiles(
  sql: SqlExecutor,
  fileId: string,
  schema = LIVE_SCHEMA,
): Promise<ProviderFileRow[]> {
  if (!isUuid(fileId)) return [];
  const { rows } = await sql.query<RawProviderFileRow>(
    `SELECT ${PROVIDER_FILE_COLUMNS} FROM ${sqlIdentifier(schema)}.provider_files
      WHERE file_id = $1::uuid
      ORDER BY uploaded_at, provider, provider_file_id`,
    [fileId],
  );
  return rows.map(toProviderFile);
}

/** Which copies the clean-up job should handle now. */
export interface ProviderFilesToDeleteOptions {
  /** Copies whose provider-given expiry is at or before this are due (`expired`). */
  readonly now: Date | string;
  /**
   * Retention window for copies the provider keeps until deleted (no expiry): those
   * uploaded strictly before this are due (`retention`). Omitted: none of them is.
   */
  readonly olderThan?: Date | string;
  /** At most this many (the order is the list's). */
  readonly limit?: number;
}

/**
 * The clean-up job's work list: copies not recorded as deleted whose expiry has passed,
 * or, without an expiry, that outlived the retention window. Ordered by expiry, or upload
 * time without one, so a limited list takes the oldest first.
 */
export async function listProviderFilesToDelete(
  sql: SqlExecutor,
  options: ProviderFilesToDeleteOptions,
  schema = LIVE_SCHEMA,
): Promise<ProviderFileToDelete[]> {
  const { rows } = await sql.query<RawProviderFileRow & { reason: "expired" | "retention" }>(
    `SELECT ${PROVIDER_FILE_COLUMNS},
            CASE WHEN expires_at IS NULL THEN 'retention' ELSE 'expired' END AS reason
       FROM ${sqlIdentifier(schema)}.provider_files
      WHERE deleted_at IS NULL
        AND (expires_at <= $1::timestamptz
             OR (expires_at IS NULL AND uploaded_at < $2::timestamptz))
      ORDER BY COALESCE(expires_at, uploaded_at), provider, provider_file_id
      LIMIT $3::bigint`,
    [
      isoTime(options.now),
      options.olderThan === undefined ? null : isoTime(options.olderThan),
      options.limit ?? null,
    ],
  );
  return rows.map((raw) => ({ ...toProviderFile(raw), reason: raw.reason }));
}
