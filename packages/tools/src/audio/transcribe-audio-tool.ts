/**
 * The `transcribe_audio` tool: a thread's voice note, audio or video file to text, through
 * the {@link Transcriber}. Paid per started second of audio.
 */
import { type ToolOutcome, type ToolRunContext, toolFailure } from "@bot/actors";
import type { FileKind, ThreadFile } from "@bot/domain";
import { z } from "zod";
import { defineTool, type ToolDefinition } from "../tool-definition.ts";
import type { Transcriber } from "./transcriber.ts";
import { TranscriptionError } from "./transcription-error.ts";

/** File kinds that carry sound. */
const AUDIO_KINDS: ReadonlySet<FileKind> = new Set<FileKind>(["voice", "audio", "video"]);

/** Default longest transcript returned to the model, characters (about 10k tokens). */
export const DEFAULT_MAX_TRANSCRIPT_CHARS = 40_000;

const transcribeAudioInput = z.object({
  file_id: z
    .string()
    .min(1)
    .describe("The id of a voice, audio or video file of this conversation (see list_files)."),
  language: z
    .string()
    .regex(/^(auto|[a-zA-Z]{2})$/, 'expected "auto" or an ISO-639-1 code such as "en"')
    .default("auto")
    .describe('The spoken language as an ISO-639-1 code ("en", "ru"), or "auto" to detect it.'),
});

/** The tool's input after validation. */
export type TranscribeAudioInput = z.output<typeof transcribeAudioInput>;

/** What the tool needs. */
export interface TranscribeAudioToolOptions {
  readonly transcriber: Transcriber;
  /** Longest transcript returned, characters; the rest is cut with a marker. */
  readonly maxTextChars?: number;
}

/** Creates the paid `transcribe_audio` tool. */
export function createTranscribeAudioTool(
  options: TranscribeAudioToolOptions,
): ToolDefinition<TranscribeAudioInput> {
  const { transcriber } = options;
  const maxTextChars = options.maxTextChars ?? DEFAULT_MAX_TRANSCRIPT_CHARS;
  return defineTool({
    name: "transcribe_audio",
    description:
      "Transcribes speech in a voice note, audio or video file of this conversation to text. " +
      `Files up to ${Math.floor(transcriber.maxBytes / (1024 * 1024))} MB. Paid per minute of audio. ` +
      "Voice notes are usually transcribed already; use this for audio and video files.",
    input: transcribeAudioInput,
    paid: true,
    run: (input, context) => run(input, context, transcriber, maxTextChars),
  });
}

async function run(
  input: TranscribeAudioInput,
  context: ToolRunContext,
  transcriber: Transcriber,
  maxTextChars: number,
): Promise<ToolOutcome> {
  const file = context.files.list().find((candidate) => candidate.fileId === input.file_id);
  if (file === undefined) {
    return toolFailure(
      "bad_input",
      `There is no file "${input.file_id}" in this conversation; call list_files.`,
      {
        file_id: input.file_id,
      },
    );
  }
  const refusal = refuseFile(file, transcriber.maxBytes);
  if (refusal !== null) return refusal;
  let bytes: Buffer;
  try {
    bytes = await context.files.read(file.fileId);
  } catch (error) {
    context.logger.warn({ err: error, fileId: file.fileId }, "transcribe_audio: could not read the file");
    return toolFailure(
      "file_unavailable",
      `Could not download "${file.name}"; ask the user to send it again.`,
      {
        file_id: file.fileId,
      },
    );
  }
  try {
    const transcript = await transcriber.transcribe({
      bytes,
      name: file.name,
      mimeType: file.mimeType,
      language: input.language,
      durationSeconds: file.durationSeconds,
      signal: context.signal,
    });
    const truncated = transcript.text.length > maxTextChars;
    const text = truncated
      ? `${transcript.text.slice(0, maxTextChars)}\n[… transcript truncated: ${maxTextChars} of ${transcript.text.length} characters shown]`
      : transcript.text;
    const result = {
      file_id: file.fileId,
      language: transcript.language,
      duration_seconds: transcript.durationSeconds,
      text,
      ...(truncated ? { truncated: true, full_length_chars: transcript.text.length } : {}),
    };
    return {
      ok: true,
      content: JSON.stringify(result),
      errorKind: null,
      summary: `transcribed ${file.fileId} (${transcript.durationSeconds}s, ${transcript.language ?? "language unknown"}, ${transcript.text.length} chars${truncated ? ", truncated" : ""})`,
      charge: transcript.charge,
    };
  } catch (error) {
    if (!(error instanceof TranscriptionError)) throw error;
    return toolFailure(
      error.kind,
      error.message,
      {
        file_id: file.fileId,
        ...(error.retryAfterSeconds === null ? {} : { retry_after_seconds: error.retryAfterSeconds }),
      },
      error.charge,
    );
  }
}

/** Refuses a file that is not sound or is too big, before downloading it. */
function refuseFile(file: ThreadFile, maxBytes: number): ToolOutcome | null {
  if (!AUDIO_KINDS.has(file.kind)) {
    return toolFailure(
      "bad_input",
      `"${file.name}" is a ${file.kind} file; transcribe_audio takes voice, audio or video files.`,
      { file_id: file.fileId, kind: file.kind },
    );
  }
  if (file.sizeBytes > maxBytes) {
    return toolFailure(
      "bad_input",
      `"${file.name}" is ${(file.sizeBytes / (1024 * 1024)).toFixed(1)} MB; the limit is ${Math.floor(maxBytes / (1024 * 1024))} MB.`,
      { file_id: file.fileId, size_bytes: file.sizeBytes },
    );
  }
  return null;
}
