import {
  type BalanceStanding,
  type EventContext,
  formatUsd,
  mayStartRequest,
  mayUsePaidTool,
  type ThreadKey,
  type ThreadState,
  type UserTurn,
} from "@bot/domain";
import {
  buildContext,
  type ConversationTurn,
  type DoneDelta,
  LlmError,
  type LlmRequest,
  type ModelInfo,
  type ProviderFile,
  type TokenUsage,
  type ToolResultPart,
  type ToolUsePart,
} from "@bot/llm";
import type { Logger } from "@bot/observability";
import type { ReplyTarget, SentMessage } from "../ports.ts";
import type { TurnTiming } from "../thread-actor-host.ts";
import type { CancelReason, GenerationSummary } from "../thread-machine.ts";
import type { ThreadSession } from "../thread-session.ts";
import { type ToolInvocation, type ToolOutcome, type ToolRunContext, toolFailure } from "../tool-box.ts";
import { type AttachmentRecorder, attachmentsFor } from "./attachments.ts";
import { chargeFor, contextChars, estimatedUsage, toQuantities } from "./charges.ts";
import type { GenerationEnvironment } from "./generation-environment.ts";
import { toolFiles, toolSessions } from "./tool-context.ts";

/** Model calls one answer may make when tools are used, unless configured. */
export const DEFAULT_MAX_TOOL_ITERATIONS = 10;

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

/** The thread's turns as the model sees them, user files attached to their messages. */
async function toConversation(
  env: GenerationEnvironment,
  session: ThreadSession,
  generationId: string,
  context: EventContext,
  signal: AbortSignal,
  logger: Logger,
  transcribed: string[],
): Promise<ConversationTurn[]> {
  const state = session.state;
  const recorder: AttachmentRecorder = {
    async uploaded(fileId: string, upload: ProviderFile) {
      await session.execute(
        { type: "RecordUpload", upload: { fileId, provider: env.provider.name, ...upload } },
        context,
      );
    },
    async transcribed(file, transcript) {
      await session.execute(
        {
          type: "RecordTranscription",
          transcription: {
            fileId: file.fileId,
            generationId,
            model: env.transcriber?.model ?? "unknown",
            text: transcript.text.slice(0, 200_000),
            language: transcript.language,
            durationSeconds: Math.max(0, Math.round(transcript.durationSeconds)),
          },
          charge: transcript.charge,
        },
        context,
      );
      transcribed.push(transcript.text);
      if (transcript.charge) env.observer?.toolCharged?.("transcribe_audio", transcript.charge.userAmount);
    },
  };
  const group = state.chatType !== "private";
  const turns: ConversationTurn[] = [];
  for (const turn of state.turns) {
    if (turn.kind === "assistant") {
      // Segment breaks are for Telegram; the model sees its answer as one text.
      const plain = turn.text.replaceAll(env.renderer.segmentBreak, "\n\n");
      turns.push({ role: "assistant", text: plain, interrupted: turn.interrupted });
      continue;
    }
    const files = turn.fileIds.flatMap((id) => state.files.filter((file) => file.fileId === id));
    const attachments = files.length > 0 ? await attachmentsFor(env, files, signal, logger, recorder) : [];
    turns.push({
      role: "user",
      text: turn.text,
      ...(group ? { senderLabel: turn.senderLabel } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
    });
  }
  return turns;
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
  /** The model call in the loop: 0 for the first; each call is charged under its own index. */
  let callIndex = 0;
  /** Whether a model call is streaming now (cancelled between calls, nothing is estimated). */
  let callInProgress = false;
  let status: string | undefined;
  /** Voice notes transcribed for this answer: the user is shown what the model read. */
  const transcribed: string[] = [];
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
    render.update({ thinking, answer: text, ...(status ? { status } : {}) });
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
    chargeFor(model, usage, { callIndex, estimated, cacheWriteSubsidy: env.cacheWriteSubsidy() });
  /** The charge of the call in progress when the answer is cut; none between two calls. */
  const cutCharges = () => (callInProgress ? [charge(estimate(), true)] : []);
  const tools = env.tools;
  const maxCalls = env.maxToolIterations ?? DEFAULT_MAX_TOOL_ITERATIONS;

  /** Runs one tool call: the balance check for paid tools, the run, the recorded outcome. */
  const runTool = async (call: ToolInvocation): Promise<ToolResultPart> => {
    const started = env.monotonicNow?.() ?? performance.now();
    let outcome: ToolOutcome;
    try {
      if (!tools) outcome = toolFailure("unknown_tool", `no tool named ${call.name} is available`);
      else if (tools.isPaid(call.name) && env.balances) {
        const standing = await env.balances.standing(userId, session.lastChargePosition);
        outcome = mayUsePaidTool(standing)
          ? await tools.run(call, toolContext(call))
          : toolFailure(
              "insufficient_balance",
              "The user's balance is below zero, so paid tools cannot run. Tell the user to top up with /pay; free tools still work.",
              { balance_usd: formatUsd(standing.balance, { decimals: 4 }) },
            );
      } else outcome = await tools.run(call, toolContext(call));
    } catch (error) {
      logger.error({ err: error, tool: call.name }, "tool threw instead of reporting a failure");
      outcome = toolFailure(
        "failed",
        `the tool failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const durationMs = (env.monotonicNow?.() ?? performance.now()) - started;
    await session.execute(
      {
        type: "CompleteToolCall",
        generationId,
        toolUseId: call.toolUseId,
        name: call.name,
        ok: outcome.ok,
        errorKind: outcome.ok ? null : (outcome.errorKind ?? "failed"),
        durationMs,
        summary: outcome.summary,
        charge: outcome.charge,
      },
      followUp,
    );
    if (outcome.charge) env.observer?.toolCharged?.(call.name, outcome.charge.userAmount);
    env.observer?.toolCompleted?.(call.name, outcome.ok ? null : (outcome.errorKind ?? "failed"), durationMs);
    return {
      type: "tool_result",
      toolUseId: call.toolUseId,
      content: outcome.content,
      ...(outcome.ok ? {} : { isError: true }),
    };
  };
  const toolContext = (call: ToolInvocation): ToolRunContext => ({
    userId,
    threadKey: before.key as ThreadKey,
    generationId,
    toolUseId: call.toolUseId,
    language,
    signal,
    logger: logger.child({ tool: call.name, toolUseId: call.toolUseId }),
    files: toolFiles(
      env,
      session,
      { generationId, toolUseId: call.toolUseId, target, sealText },
      followUp,
      signal,
    ),
    sessions: toolSessions(env, session, followUp),
    standing: async () => (env.balances ? env.balances.standing(userId, session.lastChargePosition) : null),
  });

  /**
   * Ends the answer's current segment before a sequential file: the break is recorded
   * with the text (so recovery splits the same way), then the renderer sends the text
   * so far as finished messages. Parallel deliveries seal once.
   */
  let sealing: Promise<void> | null = null;
  const sealText = (): Promise<void> => {
    sealing ??= (async () => {
      if (text.trim().length > 0 && !text.endsWith(env.renderer.segmentBreak)) {
        text += env.renderer.segmentBreak;
        await flush();
      }
      await render.settle();
    })().finally(() => {
      sealing = null;
    });
    return sealing;
  };

  /** Streams one model call of the loop into the answer; resolves with its end. */
  const streamCall = async (request: LlmRequest): Promise<DoneDelta> => {
    let done: DoneDelta | null = null;
    reported = null;
    callInProgress = true;
    // A later call's text starts a new paragraph of the one answer.
    let separate = text.trim().length > 0;
    for await (const delta of env.provider.stream(request, signal)) {
      switch (delta.type) {
        case "text":
          if (separate && delta.text.trim().length > 0) {
            text += text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
            separate = false;
          }
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
        case "server_tool_result":
          // Tool calls are taken from the finished turn (`done.content`).
          break;
        case "server_tool_use":
          status = env.texts.toolStatus([delta.name], language);
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
    callInProgress = false;
    return done;
  };

  try {
    const built = await buildContext(
      {
        model,
        systemPrompt: {
          global: globalPrompt,
          ...(account.personality ? { personality: account.personality } : {}),
        },
        turns: await toConversation(env, session, generationId, followUp, signal, logger, transcribed),
        reserveOutputTokens: Math.min(env.maxOutputTokens, model.maxOutputTokens),
        ...(model.capabilities.thinking === "adaptive" ? { thinking: { mode: "adaptive" as const } } : {}),
        ...(model.capabilities.effort ? { effort: "high" as const } : {}),
        metadata: { userId: String(userId) },
        ...(tools ? { tools: tools.specs({ userId, chatType: state.chatType ?? "private" }) } : {}),
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
    let messages = built.request.messages;
    let done: DoneDelta;
    for (;;) {
      done = await streamCall({ ...built.request, messages });
      const calls = done.content.filter((part): part is ToolUsePart => part.type === "tool_use");
      const wantsTools = done.stopReason === "tool_use" && calls.length > 0;
      if (!(wantsTools || done.stopReason === "pause_turn") || callIndex + 1 >= maxCalls) break;
      // The loop goes on: this call is charged now, before any tool runs.
      await flush();
      const callCharge = charge(done.usage, false);
      await session.execute({ type: "ChargeModelCall", generationId, charge: callCharge }, followUp);
      env.observer?.charged?.(model.id, callCharge.userAmount, false);
      messages = [...messages, { role: "assistant", content: done.content }];
      if (wantsTools) {
        await session.execute(
          {
            type: "CallTools",
            generationId,
            callIndex,
            calls: calls.map((call) => ({ toolUseId: call.id, name: call.name, input: call.input })),
          },
          followUp,
        );
        status = env.texts.toolStatus(
          calls.map((call) => call.name),
          language,
        );
        render.update({ thinking, answer: text, status });
        // Every call of one turn runs at once; each records its own outcome.
        const results = await Promise.all(
          calls.map((call) => runTool({ toolUseId: call.id, name: call.name, input: call.input })),
        );
        status = undefined;
        if (signal.aborted)
          throw new LlmError("aborted", "cancelled while tools ran", { beforeFirstToken: false });
        messages = [...messages, { role: "user", content: results }];
      }
      callIndex += 1;
    }
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
    const limitReached =
      callIndex + 1 >= maxCalls && (done.stopReason === "tool_use" || done.stopReason === "pause_turn");
    const stopNotice = limitReached
      ? env.texts.toolLimitNotice(maxCalls, language)
      : text.trim().length === 0
        ? (env.texts.stopNotice(done.stopReason, language) ?? env.texts.emptyAnswerNotice(language))
        : env.texts.stopNotice(done.stopReason, language);
    const transcriptNotices = transcribed.map((transcript) =>
      env.texts.transcriptNotice(transcript, language),
    );
    const notice = [stopNotice, ...transcriptNotices].filter((line) => line !== null).join("\n") || null;
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
      if (reason === "shutdown") {
        await session.execute(
          {
            type: "InterruptGeneration",
            generationId,
            reason: "process_restart",
            errorKind: null,
            detail: "the bot was shutting down",
            charges: cutCharges(),
          },
          followUp,
        );
      } else {
        await session.execute(
          { type: "CancelGeneration", generationId, reason, charges: cutCharges() },
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
      const charges = callInProgress && reported ? [charge(reported, false)] : [];
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
        charges: cutCharges(),
      },
      followUp,
    );
    await deliver(text, true, env.texts.interruptedByErrorNotice(kind, language));
    env.observer?.ended?.(generationId, "interrupted", model.id);
    return { generationId, outcome: "interrupted" };
  }
}
