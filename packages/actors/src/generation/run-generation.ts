import {
  type BalanceStanding,
  type EventContext,
  mayStartRequest,
  type ThreadState,
  type UserTurn,
} from "@bot/domain";
import {
  buildContext,
  type ConversationTurn,
  type DoneDelta,
  LlmError,
  type ModelInfo,
  type TokenUsage,
} from "@bot/llm";
import type { ReplyTarget, SentMessage } from "../ports.ts";
import type { TurnTiming } from "../thread-actor-host.ts";
import type { CancelReason, GenerationSummary } from "../thread-machine.ts";
import type { ThreadSession } from "../thread-session.ts";
import { chargeFor, contextChars, estimatedUsage, toQuantities } from "./charges.ts";
import type { GenerationEnvironment } from "./generation-environment.ts";

/** The model a thread answers with: its override, else the user's default, else the registry's. */
export function chooseModel(
  env: GenerationEnvironment,
  state: ThreadState,
  userDefault: string | null,
): ModelInfo {
  for (const id of [state.modelOverride, userDefault]) {
    const model = id ? env.models.findModel(id) : undefined;
    if (model) return model;
  }
  return env.models.defaultModel();
}

/** Where answers of this thread go. */
export function replyTarget(state: ThreadState, replyTo: number | null): ReplyTarget {
  if (!state.key || !state.chatType) throw new Error("thread has no key or chat type yet");
  return {
    chatId: state.key.chatId,
    topicId: state.key.topicId,
    chatType: state.chatType,
    replyToMessageId: replyTo,
  };
}

function lastUserTurn(state: ThreadState, messageIds: readonly number[]): UserTurn | undefined {
  const ids = new Set(messageIds);
  const turns = state.turns.filter(
    (turn): turn is UserTurn => turn.kind === "user" && ids.has(turn.messageId),
  );
  return turns[turns.length - 1];
}

function toConversation(state: ThreadState): ConversationTurn[] {
  const group = state.chatType !== "private";
  return state.turns.map((turn) =>
    turn.kind === "user"
      ? { role: "user", text: turn.text, ...(group ? { senderLabel: turn.senderLabel } : {}) }
      : { role: "assistant", text: turn.text, interrupted: turn.interrupted },
  );
}

function asCancelReason(reason: unknown): CancelReason {
  switch (reason) {
    case "stop_command":
    case "stop_button":
    case "new_message":
    case "context_reset":
    case "shutdown":
      return reason;
    default:
      return "stop_command";
  }
}

/**
 * Records that the balance did not allow answering the pending messages, then tells
 * the user (the notice is rate-limited by the gate).
 */
async function refuse(
  env: GenerationEnvironment,
  session: ThreadSession,
  standing: BalanceStanding,
  target: ReplyTarget,
  language: string | null,
  newest: UserTurn | undefined,
): Promise<GenerationSummary> {
  const userId = session.state.key?.userId ?? null;
  await session.execute(
    { type: "RefuseGeneration", reason: "insufficient_balance", balance: standing.balance },
    {
      correlationId: newest ? `update:${newest.updateId}` : `refusal:${env.ids.uuid()}`,
      causationId: null,
      userId,
    },
  );
  env.observer?.refused?.("insufficient_balance");
  env.logger.info({ threadKey: session.stream, balance: standing.balance }, "request refused: balance");
  await env.balances
    ?.refused(target, standing, language)
    .catch((error: unknown) =>
      env.logger.warn({ err: error, threadKey: session.stream }, "could not tell the user about the balance"),
    );
  return { generationId: null, outcome: "refused" };
}

/**
 * Answers the thread's pending messages. Append first, then act: GenerationStarted is
 * recorded before the model is called; each flushed piece of text is recorded as a
 * ChunkStreamed before it is shown; the end (completed, cancelled, interrupted,
 * failed) is recorded with its charge before the final message is sent; the delivery
 * is recorded after. A crash at any point therefore leaves the log saying exactly
 * what happened, and recovery finishes the job without calling the model again.
 */
export async function runGeneration(
  env: GenerationEnvironment,
  session: ThreadSession,
  signal: AbortSignal,
  timing: TurnTiming | null = null,
): Promise<GenerationSummary> {
  const before = session.state;
  if (before.generation || before.pending.length === 0 || !before.key || !before.chatType) {
    return { generationId: null, outcome: "nothing_to_do" };
  }
  const userId = before.key.userId;
  const [account, standing] = await Promise.all([
    env.users.account(userId),
    env.balances?.standing(userId, session.lastChargePosition) ?? null,
  ]);
  const newest = lastUserTurn(before, before.pending);
  const language = newest?.languageCode ?? null;
  if (standing && !mayStartRequest(standing)) {
    return refuse(
      env,
      session,
      standing,
      replyTarget(before, before.chatType === "private" ? null : (newest?.messageId ?? null)),
      language,
      newest,
    );
  }
  const model = chooseModel(env, before, account.defaultModelId);
  const generationId = env.ids.uuid();
  const delivery = before.chatType === "private" ? "draft" : "edit";
  const context: EventContext = {
    correlationId: newest ? `update:${newest.updateId}` : `generation:${generationId}`,
    causationId: null,
    userId,
  };
  await session.execute(
    {
      type: "StartGeneration",
      generationId,
      modelId: model.id,
      priceTableVersion: model.priceTableVersion,
      delivery,
    },
    context,
  );
  const followUp: EventContext = { ...context, causationId: generationId };
  const state = session.state;
  const target = replyTarget(state, state.chatType === "private" ? null : (newest?.messageId ?? null));
  const onSent = async (message: SentMessage) => {
    // Recorded before the renderer goes on, so recovery never sends this message again.
    await session.execute({ type: "RecordMessageSent", generationId, ...message }, followUp);
  };
  const render = env.renderer.begin(target, { generationId, delivery, language, onSent });
  const globalPrompt = env.globalPrompt(state.chatType ?? "private");
  const systemChars = globalPrompt.length + (account.personality?.length ?? 0);
  const flushInterval = env.renderer.flushIntervalMs(delivery);
  const logger = env.logger.child({ threadKey: session.stream, generationId, model: model.id });

  let text = "";
  let thinking = "";
  let flushedText = 0;
  let flushedThinking = 0;
  let lastFlush = 0;
  let reported: TokenUsage | null = null;
  let firstToken = true;

  const flush = async () => {
    const newText = text.slice(flushedText);
    const newThinking = thinking.slice(flushedThinking);
    if (newText.length === 0 && newThinking.length === 0) return;
    await session.execute(
      { type: "RecordChunk", generationId, text: newText, thinking: newThinking },
      followUp,
    );
    flushedText = text.length;
    flushedThinking = thinking.length;
    lastFlush = env.clock.now().getTime();
    render.update({ thinking, answer: text });
  };

  const deliver = async (answer: string, interrupted: boolean, notice: string | null) => {
    try {
      const ids = await render.finish({ answer, interrupted, notice });
      await session.execute(
        { type: "RecordDelivery", generationId, telegramMessageIds: ids, interrupted },
        followUp,
      );
    } catch (error) {
      // Left undelivered in the log: the thread's next start delivers it (recovery).
      logger.error({ err: error }, "could not deliver the answer; it stays undelivered for recovery");
    }
  };

  const estimate = () =>
    estimatedUsage(reported, {
      ...contextChars(state, systemChars),
      outputChars: text.length,
      thinkingChars: thinking.length,
    });

  const charge = (usage: TokenUsage, estimated: boolean) =>
    chargeFor(model, usage, { callIndex: 0, estimated, cacheWriteSubsidy: env.cacheWriteSubsidy() });

  try {
    const built = await buildContext(
      {
        model,
        systemPrompt: {
          global: globalPrompt,
          ...(account.personality ? { personality: account.personality } : {}),
        },
        turns: toConversation(state),
        reserveOutputTokens: Math.min(env.maxOutputTokens, model.maxOutputTokens),
        ...(model.capabilities.thinking === "adaptive" ? { thinking: { mode: "adaptive" as const } } : {}),
        ...(model.capabilities.effort ? { effort: "high" as const } : {}),
        metadata: { userId: String(userId) },
      },
      (request) => env.provider.countTokens(request, signal),
    );
    const now = env.monotonicNow ?? (() => performance.now());
    const startMs = timing ? now() - timing.windowEndedAt : null;
    const turnOverheadMs = timing && startMs !== null ? timing.recordMs + startMs : null;
    const tenths = (ms: number | null) => (ms === null ? null : Math.round(ms * 10) / 10);
    logger.info(
      {
        // recordMs: receiving and recording the message; startMs: window end to this request.
        turnOverheadMs: tenths(turnOverheadMs),
        recordMs: tenths(timing?.recordMs ?? null),
        startMs: tenths(startMs),
        inputTokens: built.inputTokens,
        droppedTurns: built.droppedTurns,
      },
      "model request sent",
    );
    env.observer?.requestSent?.(generationId, turnOverheadMs);
    let done: DoneDelta | null = null;
    for await (const delta of env.provider.stream(built.request, signal)) {
      switch (delta.type) {
        case "text":
          text += delta.text;
          break;
        case "thinking":
          thinking += delta.text;
          break;
        case "usage":
          reported = delta.usage;
          break;
        case "done":
          done = delta;
          break;
        case "tool_call":
        case "server_tool_use":
        case "server_tool_result":
          // No tools are offered yet (the tools issue adds the loop).
          break;
        default: {
          const unknown: never = delta;
          throw new Error(`unexpected delta ${(unknown as { type: string }).type}`);
        }
      }
      if ((delta.type === "text" || delta.type === "thinking") && firstToken) {
        firstToken = false;
        env.observer?.firstToken?.(generationId);
        // The first words are shown at once; then at the flush cadence.
        await flush();
      } else if (env.clock.now().getTime() - lastFlush >= flushInterval) {
        await flush();
      }
    }
    if (!done)
      throw new LlmError("connection", "the stream ended without a final message", {
        beforeFirstToken: text === "",
      });
    await flush();
    const finalCharge = charge(done.usage, false);
    await session.execute(
      {
        type: "CompleteGeneration",
        generationId,
        stopReason: done.stopReason,
        model: done.model,
        usage: toQuantities(done.usage),
        charges: [finalCharge],
      },
      followUp,
    );
    env.observer?.charged?.(model.id, finalCharge.userAmount, false);
    const notice =
      text.trim().length === 0
        ? (env.texts.stopNotice(done.stopReason, language) ?? env.texts.emptyAnswerNotice(language))
        : env.texts.stopNotice(done.stopReason, language);
    await deliver(text, false, notice);
    env.observer?.ended?.(generationId, "completed", model.id);
    return { generationId, outcome: "completed" };
  } catch (error) {
    const aborted = signal.aborted || (error instanceof LlmError && error.kind === "aborted");
    await flush().catch((flushError: unknown) =>
      logger.error({ err: flushError }, "could not record the last chunk"),
    );
    if (aborted) {
      const reason = asCancelReason(signal.reason);
      const usage = estimate();
      if (reason === "shutdown") {
        await session.execute(
          {
            type: "InterruptGeneration",
            generationId,
            reason: "process_restart",
            errorKind: null,
            detail: "the bot was shutting down",
            charges: [charge(usage, true)],
          },
          followUp,
        );
      } else {
        await session.execute(
          { type: "CancelGeneration", generationId, reason, charges: [charge(usage, true)] },
          followUp,
        );
      }
      await deliver(text, true, null);
      env.observer?.ended?.(generationId, reason === "shutdown" ? "interrupted" : "cancelled", model.id);
      return { generationId, outcome: reason === "shutdown" ? "interrupted" : "cancelled" };
    }
    const kind = error instanceof LlmError ? error.kind : "server";
    const retryAfter =
      error instanceof LlmError && error.retryAfterSeconds !== undefined
        ? Math.ceil(error.retryAfterSeconds)
        : null;
    logger.warn({ err: error, errorKind: kind }, "generation failed");
    if (text.length === 0 && thinking.length === 0) {
      const charges = reported ? [charge(reported, false)] : [];
      await session.execute(
        {
          type: "FailGeneration",
          generationId,
          errorKind: kind,
          retryAfterSeconds: retryAfter,
          detail: String(error),
          charges,
        },
        followUp,
      );
      try {
        await render.fail(env.texts.errorNotice(kind, retryAfter, language));
      } catch (renderError) {
        logger.error({ err: renderError }, "could not show the error to the user");
      }
      env.observer?.ended?.(generationId, "failed", model.id);
      return { generationId, outcome: "failed" };
    }
    await session.execute(
      {
        type: "InterruptGeneration",
        generationId,
        reason: "provider_error",
        errorKind: kind,
        detail: String(error),
        charges: [charge(estimate(), true)],
      },
      followUp,
    );
    await deliver(text, true, env.texts.interruptedByErrorNotice(kind, language));
    env.observer?.ended?.(generationId, "interrupted", model.id);
    return { generationId, outcome: "interrupted" };
  }
}
