/** Output files and shown figures become pending files of the thread (FileReceived, source "assistant"). */
import type { ToolRunContext } from "@bot/actors";
import { describeFile } from "./file-types.ts";
import type { CollectedFile } from "./output-files.ts";
import type { ImageCandidate, OutputFileEntry, ResultImage } from "./result-content.ts";

/** What was registered, the images the model may be shown, and what went wrong on the way. */
export interface RegisteredOutputs {
  readonly files: OutputFileEntry[];
  readonly images: ImageCandidate[];
  readonly notes: string[];
}

/**
 * Registers every collected file, then every figure from the results (named `figure_<n>`),
 * so `deliver_file` can send any of them. A file that cannot be stored becomes a note: the
 * run itself succeeded and its output must still reach the model.
 */
export async function registerOutputs(
  ctx: ToolRunContext,
  files: readonly CollectedFile[],
  figures: readonly ResultImage[],
): Promise<RegisteredOutputs> {
  const registered: RegisteredOutputs = { files: [], images: [], notes: [] };
  for (const file of files) {
    const { mimeType, kind } = describeFile(file.name, file.bytes);
    try {
      const stored = await ctx.files.produce({ bytes: file.bytes, name: file.name, mimeType, kind });
      registered.files.push({
        file_id: stored.fileId,
        name: file.name,
        size: file.bytes.byteLength,
        path: file.path,
        mime_type: mimeType,
      });
      registered.images.push({ label: `${file.name} (${stored.fileId})`, bytes: file.bytes });
    } catch (error) {
      ctx.logger.error({ err: error, path: file.path }, "python output file could not be stored");
      registered.notes.push(`${file.path} could not be stored as a conversation file.`);
    }
  }
  for (const [index, figure] of figures.entries()) {
    const name = `figure_${index + 1}.${figure.type === "image/png" ? "png" : "jpg"}`;
    try {
      const stored = await ctx.files.produce({
        bytes: figure.bytes,
        name,
        mimeType: figure.type,
        kind: "image",
      });
      figure.entry.file_id = stored.fileId;
      registered.files.push({
        file_id: stored.fileId,
        name,
        size: figure.bytes.byteLength,
        path: null,
        mime_type: figure.type,
      });
      registered.images.push({ label: `${name} (${stored.fileId})`, bytes: figure.bytes });
    } catch (error) {
      ctx.logger.error({ err: error, name }, "python figure could not be stored");
      registered.notes.push(`The figure ${name} could not be stored as a conversation file.`);
      registered.images.push({ label: name, bytes: figure.bytes });
    }
  }
  return registered;
}
