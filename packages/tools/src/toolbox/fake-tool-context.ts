/**
 * An in-memory {@link ToolRunContext} for tool tests: files kept as bytes, reads, outputs,
 * deliveries and sessions recorded, a silent logger and an abort controller. Not exported from
 * the package index: tests import it by path.
 */
import type { ToolFiles, ToolOutputFile, ToolRunContext, ToolSession, ToolSessions } from "@bot/actors";
import type { BalanceStanding, Clock, FileKind, ThreadFile } from "@bot/domain";
import { createLogger } from "@bot/observability";

/** A file to put in the fake thread; unspecified metadata gets plausible defaults. */
export interface FakeFileSeed {
  readonly name: string;
  readonly bytes: Uint8Array | string;
  readonly mimeType?: string;
  readonly kind?: FileKind;
  readonly source?: "user" | "assistant";
  readonly delivered?: boolean;
  readonly caption?: string | null;
  readonly receivedAt?: string;
  /** A voice note's, an audio's or a video's length as Telegram reported it. */
  readonly durationSeconds?: number | null;
  /** Overrides the recorded size (to test limits without allocating the bytes). */
  readonly sizeBytes?: number;
}

/** One recorded {@link ToolFiles.deliver} call. */
export interface FakeDelivery {
  readonly fileId: string;
  readonly as: "photo" | "document";
  readonly caption: string | null;
  readonly sequential: boolean;
}

/** The fake's files with what tests inspect and control. */
export interface FakeToolFiles extends ToolFiles {
  readonly deliveries: FakeDelivery[];
  /** Every {@link ToolFiles.read} call's file id, in order (failed reads too). */
  readonly reads: string[];
  /** Every {@link ToolFiles.produce} call's output that was stored, in order. */
  readonly produced: ToolOutputFile[];
  /** Adds a file as if it had been received; returns its metadata. */
  add(seed: FakeFileSeed): ThreadFile;
  /** When set, `deliver` rejects with it (Telegram refused). */
  failDeliveryWith: Error | null;
  /** When set, `read` rejects with it (the download failed). */
  failReadWith: Error | null;
  /** When set, `produce` rejects with it (the output could not be stored). */
  failProduceWith: Error | null;
}

/** The fake's sessions, as a map tests can look at, and a log of what was opened and closed. */
export interface FakeToolSessions extends ToolSessions {
  readonly open: Map<string, ToolSession>;
  /** `opened <id> until <expiresAt>` and `closed <id>: <reason>`, in order. */
  readonly log: string[];
}

/** How the fake context is built; everything has a default. */
export interface FakeToolRunOptions {
  /** The `receivedAt` of added files unless a seed says otherwise, and the default clock's time. */
  readonly now?: string;
  readonly standing?: BalanceStanding | null;
  /** The time sessions expire on (`current` returns only unexpired ones); frozen at `now` by default. */
  readonly clock?: Clock;
  /** The id of the `n`th stored file, from 1; UUIDs by default. */
  readonly fileId?: (n: number) => string;
}

/** A context and its parts. */
export interface FakeToolRun {
  readonly context: ToolRunContext;
  readonly files: FakeToolFiles;
  readonly sessions: FakeToolSessions;
  readonly controller: AbortController;
}

/** Builds a fake context. */
export function fakeToolRun(options: FakeToolRunOptions = {}): FakeToolRun {
  const now = options.now ?? "2025-06-01T12:00:00.000Z";
  const standing = options.standing ?? null;
  const controller = new AbortController();
  const files = fakeFiles(now, options.fileId ?? uuidFileId);
  const sessions = fakeSessions(options.clock ?? { now: () => new Date(now) });
  const context: ToolRunContext = {
    userId: 42,
    threadKey: { chatId: 42, topicId: null, userId: 42 },
    generationId: "00000000-0000-4000-8000-0000000000aa",
    toolUseId: "toolu_test",
    language: "en",
    signal: controller.signal,
    logger: createLogger({ level: "silent" }),
    files,
    sessions,
    standing: async () => standing,
  };
  return { context, files, sessions, controller };
}

function uuidFileId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

function fakeFiles(now: string, fileIdOf: (n: number) => string): FakeToolFiles {
  const metadata: ThreadFile[] = [];
  const contents = new Map<string, Buffer>();
  let next = 1;
  const store = (seed: FakeFileSeed): ThreadFile => {
    const bytes = typeof seed.bytes === "string" ? Buffer.from(seed.bytes, "utf8") : Buffer.from(seed.bytes);
    const fileId = fileIdOf(next++);
    const source = seed.source ?? "user";
    const file: ThreadFile = {
      fileId,
      source,
      kind: seed.kind ?? "other",
      name: seed.name,
      mimeType: seed.mimeType ?? "application/octet-stream",
      sizeBytes: seed.sizeBytes ?? bytes.byteLength,
      telegramFileId: source === "user" ? `tg-${fileId}` : null,
      telegramFileUniqueId: null,
      sha256: null,
      messageId: source === "user" ? 100 + next : null,
      generationId: source === "assistant" ? "00000000-0000-4000-8000-0000000000aa" : null,
      toolUseId: source === "assistant" ? "toolu_test" : null,
      durationSeconds: seed.durationSeconds ?? null,
      caption: seed.caption ?? null,
      receivedAt: seed.receivedAt ?? now,
      delivered: seed.delivered ?? false,
      uploads: [],
      transcript: null,
    };
    metadata.push(file);
    contents.set(fileId, bytes);
    return file;
  };
  const files: FakeToolFiles = {
    deliveries: [],
    reads: [],
    produced: [],
    failDeliveryWith: null,
    failReadWith: null,
    failProduceWith: null,
    add: store,
    list: () => [...metadata],
    async read(fileId) {
      files.reads.push(fileId);
      if (files.failReadWith) throw files.failReadWith;
      const bytes = contents.get(fileId);
      if (!bytes) throw new Error(`no file ${fileId}`);
      return bytes;
    },
    async produce(output: ToolOutputFile) {
      if (files.failProduceWith) throw files.failProduceWith;
      files.produced.push(output);
      return store({
        name: output.name,
        bytes: output.bytes,
        mimeType: output.mimeType,
        kind: output.kind,
        source: "assistant",
        caption: output.caption ?? null,
      });
    },
    async deliver(fileId, { as, caption, sequential = false }) {
      if (files.failDeliveryWith) throw files.failDeliveryWith;
      const index = metadata.findIndex((file) => file.fileId === fileId);
      const file = metadata[index];
      if (!file) throw new Error(`no file ${fileId}`);
      metadata[index] = { ...file, delivered: true };
      files.deliveries.push({ fileId, as, caption, sequential });
      return { telegramMessageId: 500 + files.deliveries.length };
    },
  };
  return files;
}

function fakeSessions(clock: Clock): FakeToolSessions {
  const open = new Map<string, ToolSession>();
  const log: string[] = [];
  return {
    open,
    log,
    current(tool) {
      const session = open.get(tool);
      return session && Date.parse(session.expiresAt) > clock.now().getTime() ? session : null;
    },
    async opened(tool, session) {
      open.set(tool, session);
      log.push(`opened ${session.sessionId} until ${session.expiresAt}`);
    },
    async closed(tool, sessionId, reason) {
      if (open.get(tool)?.sessionId === sessionId) open.delete(tool);
      log.push(`closed ${sessionId}: ${reason}`);
    },
  };
}
