/**
 * Builds the request for the next answer of a thread: system prompt, as much history as
 * fits, cache breakpoints. Pure except for the token counter passed in.
 *
 * Decisions:
 * - System prompt: the global part gets a 1-hour cache breakpoint. It is identical for
 *   every user and thread, so one hourly write (2x input) serves the whole bot. The
 *   per-user/per-thread parts (personality, thread) follow it and the last of them gets
 *   a 5-minute breakpoint (1h entries must precede 5m ones in a prompt).
 * - Rolling breakpoint on the previous turn's last message (the prefix that is stable
 *   from now on): each request reads everything up to the previous breakpoint from cache
 *   and writes only the last exchange, so a long thread is billed mostly at cache-read
 *   rates. One of the 4 breakpoints stays free for the caller (e.g. a tool loop).
 * - Trimming drops the OLDEST messages, in steps of `trimStep` messages, and only at
 *   user messages (the API wants a user message first). The steps keep the cut still for
 *   several turns in a row; cutting one message per turn would change the prefix every
 *   time and miss the cache every time.
 * - The cheap estimate decides alone when the prompt is under 90% of the budget;
 *   otherwise the provider's counter confirms (bounded calls, see `findFittingCut`).
 */
import { LlmError } from "../llm-error.ts";
import type { Effort, LlmRequest, SystemPart, ThinkingConfig, ToolSpec } from "../provider.ts";
import type { ModelInfo } from "../registry/model-registry.ts";
import { type ConversationTurn, toAlternatingMessages } from "./conversation-messages.ts";
import { estimateMessageTokens, estimatePreambleTokens } from "./estimate-tokens.ts";
import { findFittingCut } from "./find-fitting-cut.ts";

/** The three layers of the system prompt. */
export interface SystemPrompt {
  /** The bot-wide prompt, the same for everyone. */
  readonly global: string;
  /** The user's chosen personality. */
  readonly personality?: string;
  /** Instructions specific to this thread. */
  readonly thread?: string;
}

/** What the next answer is built from. */
export interface ContextInput {
  readonly model: ModelInfo;
  readonly systemPrompt: SystemPrompt;
  /** Chronological; normally ends with the user turn(s) to answer. */
  readonly turns: readonly ConversationTurn[];
  /** Tokens kept free for the answer; becomes `maxTokens` (capped at the model's maximum). */
  readonly reserveOutputTokens: number;
  readonly thinking?: ThinkingConfig;
  readonly effort?: Effort;
  /** Tool definitions count towards the prompt, so they are part of the fit. */
  readonly tools?: readonly ToolSpec[];
  readonly metadata?: { readonly userId?: string };
}

/** The provider's exact counter, e.g. `(request) => provider.countTokens(request, signal)`. */
export type TokenCounter = (request: LlmRequest) => Promise<number>;

/** Tuning of {@link buildContext}. */
export interface BuildContextOptions {
  /** Upper bound on counter calls per build. Default 10. */
  readonly maxCountCalls?: number;
  /** Messages dropped per trimming step. Default 8 (four exchanges). */
  readonly trimStep?: number;
}

/** The built request and what trimming did. */
export interface BuiltContext {
  readonly request: LlmRequest;
  /** Stored turns left out (oldest first), to tell the user the thread was shortened. */
  readonly droppedTurns: number;
  /** Prompt tokens: counted by the provider when `inputTokensCounted`, else estimated. */
  readonly inputTokens: number;
  readonly inputTokensCounted: boolean;
}

const DEFAULT_MAX_COUNT_CALLS = 10;
const DEFAULT_TRIM_STEP = 8;

/**
 * Builds the request. Throws {@link LlmError} "context_window_exceeded" when not even
 * the newest user turn fits, "invalid_request" for no turns or a bad reserve; errors of
 * the counter propagate.
 */
export async function buildContext(
  input: ContextInput,
  countTokens: TokenCounter,
  options: BuildContextOptions = {},
): Promise<BuiltContext> {
  const { model } = input;
  if (!Number.isSafeInteger(input.reserveOutputTokens) || input.reserveOutputTokens <= 0) {
    throw invalid(`reserveOutputTokens must be a positive integer, got ${input.reserveOutputTokens}`);
  }
  const maxTokens = Math.min(input.reserveOutputTokens, model.maxOutputTokens);
  const budget = model.contextWindow - maxTokens;
  const merged = toAlternatingMessages(input.turns);
  const cuts = cutCandidates(
    merged.map((entry) => entry.message.role),
    options.trimStep ?? DEFAULT_TRIM_STEP,
  );
  if (cuts.length === 0) throw invalid("the conversation has no user turn to answer");

  const system = systemParts(input.systemPrompt);
  const tools = input.tools ?? [];
  const requestAt = (cut: number): LlmRequest => {
    const messages = merged.slice(cut).map((entry) => entry.message);
    return {
      model: model.id,
      system,
      messages,
      maxTokens,
      ...(messages.length >= 2 ? { cacheBreakpoints: [messages.length - 2] } : {}),
      ...(input.thinking === undefined ? {} : { thinking: input.thinking }),
      ...(input.effort === undefined ? {} : { effort: input.effort }),
      ...(tools.length === 0 ? {} : { tools }),
      ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
    };
  };

  const suffix = suffixSums(merged.map((entry) => estimateMessageTokens(entry.message)));
  const preamble = estimatePreambleTokens(system, tools);
  const found = await findFittingCut({
    estimates: cuts.map((cut) => preamble + (suffix[cut] ?? 0)),
    budget,
    count: (index) => countTokens(requestAt(cuts[index] ?? 0)),
    maxCalls: options.maxCountCalls ?? DEFAULT_MAX_COUNT_CALLS,
  });
  if (found === undefined) {
    throw new LlmError(
      "context_window_exceeded",
      `the newest turn does not fit ${model.id}'s ${model.contextWindow}-token window with ${maxTokens} reserved for output`,
      { beforeFirstToken: true },
    );
  }
  const cut = cuts[found.index] ?? 0;
  return {
    request: requestAt(cut),
    droppedTurns: merged.slice(0, cut).reduce((sum, entry) => sum + entry.turnCount, 0),
    inputTokens: found.tokens,
    inputTokensCounted: found.counted,
  };
}

/** The system prompt as parts, caching as described in the module comment. */
export function systemParts(prompt: SystemPrompt): SystemPart[] {
  const local = [prompt.personality, prompt.thread].filter(
    (text): text is string => text !== undefined && text !== "",
  );
  const parts: SystemPart[] = prompt.global === "" ? [] : [{ text: prompt.global, cache: "1h" }];
  local.forEach((text, index) => {
    parts.push(index === local.length - 1 ? { text, cache: "5m" } : { text });
  });
  return parts;
}

/**
 * Message counts that may be dropped: the first user message (dropping any leading
 * assistant message), then every `step` messages after it, and finally the last user
 * message, so the smallest possible prompt is always a candidate. Always at user
 * messages; ascending.
 */
export function cutCandidates(roles: readonly ("user" | "assistant")[], step: number): number[] {
  if (!Number.isSafeInteger(step) || step <= 0)
    throw invalid(`trimStep must be a positive integer, got ${step}`);
  const firstUser = roles.indexOf("user");
  const lastUser = roles.lastIndexOf("user");
  if (firstUser === -1) return [];
  const cuts = new Set<number>();
  for (let cut = firstUser; cut <= lastUser; cut += step) {
    // Alternation puts a user message at every other index; an odd step may land on an
    // assistant message, in which case the cut moves to the next message.
    const atUser = roles[cut] === "user" ? cut : cut + 1;
    if (atUser <= lastUser) cuts.add(atUser);
  }
  cuts.add(lastUser);
  return [...cuts].sort((a, b) => a - b);
}

function suffixSums(values: readonly number[]): number[] {
  const sums = new Array<number>(values.length + 1).fill(0);
  for (let index = values.length - 1; index >= 0; index--) {
    sums[index] = (sums[index + 1] ?? 0) + (values[index] ?? 0);
  }
  return sums;
}

function invalid(message: string): LlmError {
  return new LlmError("invalid_request", message, { beforeFirstToken: true });
}
