import type { Clock, IdGenerator } from "@bot/domain";
import type { LlmProvider, ModelInfo } from "@bot/llm";
import type { Logger } from "@bot/observability";
import type {
  AnswerRenderer,
  BalanceGate,
  FileStore,
  FileTransport,
  GenerationTexts,
  ImageConverter,
  UserAccounts,
  VoiceTranscriber,
} from "../ports.ts";
import type { TurnTiming } from "../thread-actor-host.ts";
import type { ToolBox } from "../tool-box.ts";

/** Timing and outcome reports of generations, for metrics. */
export interface GenerationObserver {
  /**
   * The model request is being sent. `turnOverheadMs`: this process's time on the turn
   * before it (receiving and recording the message, starting the generation, building
   * the context; the batching window excluded), or null for a turn a restart found.
   */
  requestSent?(generationId: string, turnOverheadMs: number | null): void;
  firstToken?(generationId: string): void;
  ended?(generationId: string, outcome: string, modelId: string): void;
  /** A request was refused by the balance policy. */
  refused?(reason: "insufficient_balance"): void;
  charged?(modelId: string, userAmountNanoUsd: number, estimated: boolean): void;
  /** A paid tool was charged. */
  toolCharged?(toolName: string, userAmountNanoUsd: number): void;
  /** A tool call ended: ok, or the error kind the model was told; how long it ran. */
  toolCompleted?(toolName: string, errorKind: string | null, durationMs: number): void;
}

/** What generations need, shared by every thread of the process. */
export interface GenerationEnvironment {
  readonly provider: LlmProvider;
  readonly models: { findModel(id: string): ModelInfo | undefined; defaultModel(): ModelInfo };
  readonly renderer: AnswerRenderer;
  readonly users: UserAccounts;
  /** The balance check before each request; without it every request is allowed (tests, tools). */
  readonly balances?: BalanceGate;
  readonly texts: GenerationTexts;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The bot-wide system prompt for a chat type. */
  readonly globalPrompt: (chatType: "private" | "group" | "supergroup") => string;
  /** Whether the owner absorbs cache-write cost (operator setting; false: users pay). */
  readonly cacheWriteSubsidy: () => boolean;
  /** Upper bound on answer tokens (the model's own maximum applies too). */
  readonly maxOutputTokens: number;
  readonly observer?: GenerationObserver;
  /** The tools offered to the model; without them the model gets none. */
  readonly tools?: ToolBox;
  /** Where file bytes are kept (tool outputs, fetched user files); needed by file tools. */
  readonly fileStore?: FileStore;
  /** Telegram file download and upload; needed by user files and file delivery. */
  readonly fileTransport?: FileTransport;
  /** Transcribes voice and video notes before the model answers them; absent: they are only labelled. */
  readonly transcriber?: VoiceTranscriber;
  /** Converts images the models cannot read to PNG; absent: such images are only labelled. */
  readonly imageConverter?: ImageConverter;
  /** Model calls one answer may make in a tool loop (default 10). */
  readonly maxToolIterations?: number;
  /** Monotonic milliseconds, the clock of {@link TurnTiming}; default `performance.now`. */
  readonly monotonicNow?: () => number;
}
