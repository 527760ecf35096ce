import type { BalanceStanding, FileKind, ThreadFile, ThreadKey, ToolChargeDraft } from "@bot/domain";
import type { ContentPart, ToolSpec } from "@bot/llm";
import type { Logger } from "@bot/observability";

/** One call of one of our tools, as the model made it. */
export interface ToolInvocation {
  readonly toolUseId: string;
  readonly name: string;
  /** The parsed JSON input; tools validate it themselves. */
  readonly input: unknown;
}

/** A file a tool made, before it is stored. */
export interface ToolOutputFile {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly mimeType: string;
  readonly kind: FileKind;
  readonly caption?: string;
}

/** The thread's files as a tool sees them. */
export interface ToolFiles {
  /** Every file of the thread (the user's and pending or delivered tool outputs), oldest first. */
  list(): readonly ThreadFile[];
  /** A file's bytes: a user's file is downloaded from Telegram once and kept. */
  read(fileId: string): Promise<Buffer>;
  /** Stores a tool output as a pending file of the thread (FileReceived, source "assistant"). */
  produce(output: ToolOutputFile): Promise<ThreadFile>;
  /**
   * Sends a file to the chat as a photo or a document with its caption, and records
   * FileDelivered once Telegram accepted it.
   */
  deliver(
    fileId: string,
    options: {
      readonly as: "photo" | "document";
      readonly caption: string | null;
      /** The answer's text so far is sent first, so text and files appear in order. */
      readonly sequential?: boolean;
    },
  ): Promise<{ readonly telegramMessageId: number }>;
}

/** A long-lived provider session of a tool in this thread (an E2B sandbox). */
export interface ToolSession {
  readonly sessionId: string;
  /** When the provider ends it unless extended, ISO-8601. */
  readonly expiresAt: string;
}

/** The thread's tool sessions, recorded as events so a restart finds them again. */
export interface ToolSessions {
  /** The open session of `tool` in this thread, if one is recorded and not expired. */
  current(tool: string): ToolSession | null;
  /** Records a new (or extended) session. */
  opened(tool: string, session: ToolSession): Promise<void>;
  /** Records that the session ended (killed, expired, lost). */
  closed(tool: string, sessionId: string, reason: string): Promise<void>;
}

/** Where a tool runs: whose request, which thread, and the signal that cancels it. */
export interface ToolRunContext {
  readonly userId: number;
  readonly threadKey: ThreadKey;
  readonly generationId: string;
  readonly toolUseId: string;
  readonly language: string | null;
  /** Aborted by /stop, a new message or shutdown: tools stop and report what they used. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly files: ToolFiles;
  readonly sessions: ToolSessions;
  /** The user's balance now (after this thread's charges); null when balances are not kept. */
  standing(): Promise<BalanceStanding | null>;
}

/**
 * How a tool call ended. `content` goes back to the model as the tool_result (JSON text,
 * or text and image blocks); `summary` is what the log keeps; `charge` is set for paid
 * tools whenever resources were used, even when the call failed.
 */
export interface ToolOutcome {
  readonly ok: boolean;
  readonly content: string | readonly ContentPart[];
  /** Why it failed (bad_input, provider_error, timeout, cancelled, ...); null when ok. */
  readonly errorKind: string | null;
  readonly summary: string;
  readonly charge: ToolChargeDraft | null;
}

/** The tools a generation may offer and run (packages/tools implements it). */
export interface ToolBox {
  /** The tool definitions offered to the model (ours and the provider's server tools). */
  specs(context: {
    readonly userId: number;
    readonly chatType: "private" | "group" | "supergroup";
  }): readonly ToolSpec[];
  /** Whether running the tool costs the user money (refused while the balance is below zero). */
  isPaid(name: string): boolean;
  /** Runs one call. Resolves with an outcome for every failure it can name; a throw is a bug. */
  run(call: ToolInvocation, context: ToolRunContext): Promise<ToolOutcome>;
}

/** A failed outcome whose result tells the model what went wrong, as JSON. */
export function toolFailure(
  errorKind: string,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
  charge: ToolChargeDraft | null = null,
): ToolOutcome {
  return {
    ok: false,
    content: JSON.stringify({ error: errorKind, message, ...details }),
    errorKind,
    summary: `${errorKind}: ${message}`.slice(0, 2000),
    charge,
  };
}
