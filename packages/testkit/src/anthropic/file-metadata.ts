import type { FileRecord } from "./file-store.ts";
import type { JsonObject } from "./wire.ts";

/** The beta flag that selects the Files API's older (beta) shapes. */
export const FILES_BETA = "files-api-2025-04-14";

/** Whether the request sent the Files beta flag in `anthropic-beta` (a comma-separated list). */
export function usesFilesBeta(headers: Readonly<Record<string, string>>): boolean {
  return (headers["anthropic-beta"] ?? "").split(",").some((flag) => flag.trim() === FILES_BETA);
}

/**
 * A file as `FileMetadata` (GA: with `expires_at`, null when it never expires) or, for beta
 * callers, as `BetaFileMetadata` without it.
 */
export function fileMetadata(file: FileRecord, beta: boolean): JsonObject {
  const metadata = {
    id: file.id,
    type: "file",
    filename: file.filename,
    mime_type: file.mimeType,
    size_bytes: file.bytes.length,
    created_at: file.createdAt.toISOString(),
    downloadable: file.downloadable,
  };
  return beta ? metadata : { ...metadata, expires_at: file.expiresAt?.toISOString() ?? null };
}
