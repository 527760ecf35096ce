/**
 * Shared pieces of the file tools: the `file_id` field, looking a file up, and how sizes and
 * ages are written for the model.
 */
import type { ToolOutcome, ToolRunContext } from "@bot/actors";
import { toolFailure } from "@bot/actors";
import type { ThreadFile } from "@bot/domain";
import { z } from "zod";

/** The `file_id` input every file tool takes. */
export const fileIdField = z
  .string()
  .trim()
  .min(1)
  .describe("The file's id, as list_files or the tool that made the file reported it.");

/** The thread's file with this id, or the failure telling the model how to find the right one. */
export function findThreadFile(context: ToolRunContext, fileId: string): ThreadFile | ToolOutcome {
  const file = context.files.list().find((known) => known.fileId === fileId);
  if (file) return file;
  return toolFailure(
    "unknown_file",
    `There is no file with id "${fileId}" in this conversation. Call list_files to see the files and their ids.`,
    { file_id: fileId },
  );
}

/** Narrows the result of {@link findThreadFile}. */
export function isThreadFile(value: ThreadFile | ToolOutcome): value is ThreadFile {
  return "fileId" in value;
}

/** "812 B", "14.2 KB", "3.1 MB": binary units, one decimal. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"] as const;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** "40s", "5m", "3h", "2d": how long ago, coarse. A time in the future (clock skew) is "0s". */
export function formatAge(ms: number): string {
  if (Number.isNaN(ms)) return "unknown";
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** The message of a thrown value, for a tool result. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
