import type { ThreadFile } from "@bot/domain";
import type { ContentPart, ProviderFile } from "@bot/llm";
import type { Logger } from "@bot/observability";
import type { GenerationEnvironment } from "./generation-environment.ts";
import { readThreadFile } from "./tool-context.ts";

/** The largest image the model takes inline (Anthropic's per-image limit). */
export const MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024;
/** The largest PDF the model takes inline. */
export const MAX_INLINE_PDF_BYTES = 32 * 1024 * 1024;
/** Characters of a text file put into the prompt; the rest is left to tools. */
export const MAX_INLINE_TEXT_CHARS = 100_000;

const INLINE_IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** Records what preparing the attachments did (in the thread's log). */
export interface AttachmentRecorder {
  uploaded(fileId: string, upload: ProviderFile): Promise<void>;
  transcribed(
    file: ThreadFile,
    transcript: Awaited<ReturnType<NonNullable<GenerationEnvironment["transcriber"]>["transcribe"]>>,
  ): Promise<void>;
}

/**
 * A voice or video note as text: its transcript (made now when there is a transcriber
 * and none was made before), or a label saying what tools can do with it.
 */
async function voiceText(
  env: Pick<GenerationEnvironment, "fileStore" | "fileTransport" | "transcriber">,
  file: ThreadFile,
  signal: AbortSignal,
  logger: Logger,
  recorder: AttachmentRecorder | undefined,
): Promise<string> {
  if (file.transcript) return `${fileLabel(file)} Transcript of the voice message: «${file.transcript.text}»`;
  const transcriber = env.transcriber;
  if (!transcriber || !recorder) return `${fileLabel(file)} ${toolHint(file)}`;
  if (file.sizeBytes > transcriber.maxBytes) {
    return `${fileLabel(file)} It is too long to transcribe automatically (${megabytes(file.sizeBytes)} MB).`;
  }
  try {
    const bytes = await readThreadFile(env, file, signal);
    const transcript = await transcriber.transcribe({
      bytes,
      name: file.name,
      mimeType: file.mimeType,
      durationSeconds: file.durationSeconds,
      signal,
    });
    await recorder.transcribed(file, transcript);
    return `${fileLabel(file)} Transcript of the voice message: «${transcript.text}»`;
  } catch (error) {
    if (signal.aborted) throw error;
    logger.warn({ err: error, fileId: file.fileId }, "could not transcribe a voice message");
    return `${fileLabel(file)} It could not be transcribed automatically just now. ${toolHint(file)}`;
  }
}

/** Provider copies within this long of their expiry are not used (a request may take that long). */
const UPLOAD_EXPIRY_MARGIN_MS = 60 * 60_000;

/** A provider copy of the file that will still exist when the request is read, if any. */
function usableUpload(file: ThreadFile, now: number): string | undefined {
  // The newest copy first: an older one may be about to expire.
  const upload = [...file.uploads]
    .reverse()
    .find(
      (candidate) =>
        candidate.provider === "anthropic" &&
        (candidate.expiresAt === null || Date.parse(candidate.expiresAt) - UPLOAD_EXPIRY_MARGIN_MS > now),
    );
  return upload?.providerFileId;
}

/** The line that names a file for the model, so its tools can refer to it by id. */
export function fileLabel(file: ThreadFile): string {
  const duration = file.durationSeconds === null ? "" : `, ${file.durationSeconds} s`;
  return `[file ${file.fileId}: ${file.name} (${file.kind}, ${file.mimeType}, ${file.sizeBytes} bytes${duration})]`;
}

/** What tools can do with a file the model does not read directly. */
function toolHint(file: ThreadFile): string {
  switch (file.kind) {
    case "spreadsheet":
      return "Use preview_file or execute_python to read it.";
    case "voice":
    case "audio":
    case "video":
      return "Use transcribe_audio to hear it.";
    case "photo":
    case "image":
    case "pdf":
    case "text":
    case "other":
      return "Tools can read it by its file id (execute_python gets it under /tmp/inputs).";
    default: {
      const unknown: never = file.kind;
      throw new Error(`unknown file kind ${String(unknown)}`);
    }
  }
}

/**
 * The content parts that show a user's files to the model, each after a label with its
 * file id: images and PDFs inline (base64), text files as text (cut at
 * {@link MAX_INLINE_TEXT_CHARS}), anything else as a note of what tools can do with it.
 * A file that cannot be read becomes a note saying so; it never fails the answer.
 */
export async function attachmentsFor(
  env: Pick<
    GenerationEnvironment,
    "fileStore" | "fileTransport" | "provider" | "clock" | "transcriber" | "imageConverter"
  >,
  files: readonly ThreadFile[],
  signal: AbortSignal,
  logger: Logger,
  recorder?: AttachmentRecorder,
): Promise<ContentPart[]> {
  const parts: ContentPart[] = [];
  for (const file of files) {
    const label: ContentPart = { type: "text", text: fileLabel(file) };
    if (file.kind === "voice") {
      parts.push({ type: "text", text: await voiceText(env, file, signal, logger, recorder) });
      continue;
    }
    const image = file.kind === "photo" || file.kind === "image";
    const converted =
      image &&
      !INLINE_IMAGE_TYPES.has(file.mimeType) &&
      env.imageConverter?.convertible(file.mimeType) === true;
    const inline =
      (image && (INLINE_IMAGE_TYPES.has(file.mimeType) || converted)) ||
      file.kind === "pdf" ||
      file.kind === "text";
    if (!inline) {
      parts.push({ type: "text", text: `${fileLabel(file)} ${toolHint(file)}` });
      continue;
    }
    // A converted image is measured after converting (it is scaled down then).
    const limit =
      file.kind === "pdf"
        ? MAX_INLINE_PDF_BYTES
        : file.kind === "text" || converted
          ? Number.POSITIVE_INFINITY
          : MAX_INLINE_IMAGE_BYTES;
    if (file.sizeBytes > limit) {
      parts.push({
        type: "text",
        text: `${fileLabel(file)} It is ${megabytes(file.sizeBytes)} MB, more than the model reads at once. ${toolHint(file)}`,
      });
      continue;
    }
    const kept = file.kind === "text" ? undefined : usableUpload(file, env.clock.now().getTime());
    if (kept) {
      parts.push(label, { type: file.kind === "pdf" ? "document" : "image", fileId: kept });
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readThreadFile(env, file, signal);
    } catch (error) {
      logger.warn({ err: error, fileId: file.fileId }, "could not read a file for the model");
      parts.push({ type: "text", text: `${fileLabel(file)} (its content could not be fetched just now)` });
      continue;
    }
    if (file.kind === "text") {
      const text = bytes.toString("utf8");
      const cut = text.length > MAX_INLINE_TEXT_CHARS;
      parts.push({
        type: "text",
        text: `${fileLabel(file)}\n\`\`\`\n${cut ? text.slice(0, MAX_INLINE_TEXT_CHARS) : text}\n\`\`\`${
          cut ? `\n[cut after ${MAX_INLINE_TEXT_CHARS} of ${text.length} characters; ${toolHint(file)}]` : ""
        }`,
      });
      continue;
    }
    let mediaType = file.kind === "pdf" ? "application/pdf" : file.mimeType;
    let name = file.name;
    if (converted && env.imageConverter) {
      try {
        bytes = await env.imageConverter.toPng(bytes);
        mediaType = "image/png";
        name = `${file.name.replace(/\.[^.]*$/, "")}.png`;
      } catch (error) {
        logger.warn({ err: error, fileId: file.fileId }, "could not convert an image for the model");
        parts.push({
          type: "text",
          text: `${fileLabel(file)} (it could not be converted to a format the model reads)`,
        });
        continue;
      }
      if (bytes.byteLength > MAX_INLINE_IMAGE_BYTES) {
        parts.push({
          type: "text",
          text: `${fileLabel(file)} Even converted it is too large for the model.`,
        });
        continue;
      }
    }
    const type = file.kind === "pdf" ? "document" : "image";
    const files = env.provider.files;
    if (files && recorder) {
      // Uploaded once, then referenced by id: later turns do not carry the bytes again.
      try {
        const uploaded = await files.upload({ bytes, name, mimeType: mediaType }, signal);
        await recorder.uploaded(file.fileId, uploaded);
        parts.push(label, { type, fileId: uploaded.providerFileId });
        continue;
      } catch (error) {
        logger.warn({ err: error, fileId: file.fileId }, "file upload failed; sending the file inline");
      }
    }
    parts.push(label, {
      type,
      base64: { mediaType, data: bytes.toString("base64") },
    });
  }
  return parts;
}
