import type { Clock, IdGenerator } from "@bot/domain";
import type { LlmProvider, ModelInfo } from "@bot/llm";
import type { Logger } from "@bot/observability";
import type { AnswerRenderer, GenerationTexts, UserAccounts } from "../ports.ts";

/** Timing and outcome reports of generations, for metrics. */
export interface GenerationObserver {
  requestSent?(generationId: string): void;
  firstToken?(generationId: string): void;
  ended?(generationId: string, outcome: string, modelId: string): void;
  charged?(modelId: string, userAmountNanoUsd: number, estimated: boolean): void;
}

/** What generations need, shared by every thread of the process. */
export interface GenerationEnvironment {
  readonly provider: LlmProvider;
  readonly models: { findModel(id: string): ModelInfo | undefined; defaultModel(): ModelInfo };
  readonly renderer: AnswerRenderer;
  readonly users: UserAccounts;
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
}
