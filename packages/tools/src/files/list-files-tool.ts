/**
 * `list_files`: the thread's files, so the model can refer to them by id. It replaces the
 * original bot's file list in the system prompt, which kept the cached prefix changing.
 */
import type { Clock, ThreadFile } from "@bot/domain";
import { z } from "zod";
import type { ToolDefinition } from "../tool-definition.ts";
import { defineTool } from "../tool-definition.ts";
import { formatAge } from "./thread-files.ts";

/** Dependencies of {@link createListFilesTool}. */
export interface ListFilesToolOptions {
  /** The file ages are measured against it. */
  readonly clock: Clock;
}

/** Longest caption shown per file: enough to recognise it, short enough for many files. */
const CAPTION_CHARS = 100;

/** No input: the model calls it with `{}`. */
const listFilesInput = z.object({});

/** The `list_files` tool (free). */
export function createListFilesTool(
  options: ListFilesToolOptions,
): ToolDefinition<z.output<typeof listFilesInput>> {
  return defineTool({
    name: "list_files",
    description:
      "List the files in this conversation: the user's uploads and the files tools made. Each entry has the " +
      "file's id (what preview_file and deliver_file take), name, kind, MIME type, size in bytes, source " +
      '("user" or "assistant"), age, and for files a tool made whether they are still "pending" (not yet ' +
      'sent to the user: send them with deliver_file) or "delivered". Call it when the user refers to a file ' +
      "you cannot see or before delivering files.",
    input: listFilesInput,
    paid: false,
    async run(_input, context) {
      const now = options.clock.now().getTime();
      const files = context.files.list().map((file) => describeFile(file, now));
      const result =
        files.length === 0
          ? { files, note: "There are no files in this conversation." }
          : { files, pending: files.filter((file) => file.state === "pending").length };
      return {
        ok: true,
        content: JSON.stringify(result),
        errorKind: null,
        summary: `${files.length} file(s)`,
        charge: null,
      };
    },
  });
}

function describeFile(file: ThreadFile, now: number) {
  const caption = file.caption === null ? {} : { caption: truncate(file.caption, CAPTION_CHARS) };
  return {
    id: file.fileId,
    name: file.name,
    kind: file.kind,
    mime: file.mimeType,
    size_bytes: file.sizeBytes,
    source: file.source,
    // A user's upload is already in the chat: pending/delivered only applies to tool outputs.
    state: file.source === "user" ? "uploaded" : file.delivered ? "delivered" : "pending",
    age: formatAge(now - Date.parse(file.receivedAt)),
    ...caption,
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
