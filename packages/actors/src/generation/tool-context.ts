import type { EventContext, FileKind, ThreadFile } from "@bot/domain";
import type { ReplyTarget } from "../ports.ts";
import type { ThreadSession } from "../thread-session.ts";
import type { ToolFiles, ToolOutputFile, ToolSessions } from "../tool-box.ts";
import type { GenerationEnvironment } from "./generation-environment.ts";

/** A file tools ask for does not exist in the thread, or its bytes cannot be had. */
export class ThreadFileError extends Error {
  override readonly name = "ThreadFileError";
  constructor(
    readonly fileId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function requireFile(session: ThreadSession, fileId: string): ThreadFile {
  const file = session.state.files.find((known) => known.fileId === fileId);
  if (!file) throw new ThreadFileError(fileId, `no file ${fileId} in this conversation`);
  return file;
}

/** Reads a thread file's bytes: from the store, else from Telegram (then kept in the store). */
export async function readThreadFile(
  env: Pick<GenerationEnvironment, "fileStore" | "fileTransport">,
  file: ThreadFile,
  signal?: AbortSignal,
): Promise<Buffer> {
  const stored = file.sha256 && env.fileStore ? await env.fileStore.get(file.sha256) : null;
  if (stored) return stored;
  if (!file.telegramFileId || !env.fileTransport) {
    throw new ThreadFileError(file.fileId, `the content of ${file.name} is not available`);
  }
  try {
    return await env.fileTransport.download(file.telegramFileId, signal);
  } catch (error) {
    throw new ThreadFileError(file.fileId, `could not download ${file.name} from Telegram`, { cause: error });
  }
}

/** The thread's files for one tool call: reading, producing pending outputs, delivering them. */
export function toolFiles(
  env: GenerationEnvironment,
  session: ThreadSession,
  call: {
    readonly generationId: string;
    readonly toolUseId: string;
    readonly target: ReplyTarget;
    /** Ends the answer's current segment: its text is sent before a sequential file. */
    readonly sealText?: () => Promise<void>;
  },
  context: EventContext,
  signal: AbortSignal,
): ToolFiles {
  return {
    list: () => session.state.files,
    read: (fileId) => readThreadFile(env, requireFile(session, fileId), signal),
    async produce(output: ToolOutputFile) {
      if (!env.fileStore) throw new Error("no file store: tools cannot produce files");
      const sha256 = await env.fileStore.put(output.bytes);
      const fileId = env.ids.uuid();
      await session.execute(
        {
          type: "RecordToolFile",
          file: {
            fileId,
            source: "assistant",
            kind: output.kind satisfies FileKind,
            name: output.name,
            mimeType: output.mimeType,
            sizeBytes: output.bytes.byteLength,
            telegramFileId: null,
            telegramFileUniqueId: null,
            messageId: null,
            sha256,
            generationId: call.generationId,
            toolUseId: call.toolUseId,
            durationSeconds: null,
            caption: output.caption ?? null,
          },
        },
        context,
      );
      return requireFile(session, fileId);
    },
    async deliver(fileId, options) {
      if (!env.fileTransport) throw new Error("no file transport: files cannot be sent");
      const file = requireFile(session, fileId);
      const bytes = await readThreadFile(env, file, signal);
      if (options.sequential) await call.sealText?.();
      const sent = await env.fileTransport.send(
        call.target,
        { bytes, name: file.name, mimeType: file.mimeType },
        { as: options.as, caption: options.caption },
      );
      // Recorded after Telegram accepted it: the message id exists only then.
      await session.execute(
        {
          type: "RecordFileDelivery",
          delivery: {
            fileId,
            telegramMessageId: sent.telegramMessageId,
            telegramFileId: sent.telegramFileId,
            sentAs: options.as,
            caption: options.caption,
          },
        },
        context,
      );
      return { telegramMessageId: sent.telegramMessageId };
    },
  };
}

/** The thread's tool sessions over its log. */
export function toolSessions(
  env: GenerationEnvironment,
  session: ThreadSession,
  context: EventContext,
): ToolSessions {
  return {
    current(tool) {
      const open = session.state.toolSessions[tool];
      if (!open || Date.parse(open.expiresAt) <= env.clock.now().getTime()) return null;
      return open;
    },
    async opened(tool, opened) {
      await session.execute({ type: "OpenToolSession", session: { tool, ...opened } }, context);
    },
    async closed(tool, sessionId, reason) {
      await session.execute({ type: "CloseToolSession", session: { tool, sessionId, reason } }, context);
    },
  };
}
