import type { EventContext, UserTurn } from "@bot/domain";
import type { ThreadSession } from "../thread-session.ts";
import { chargeFor, contextChars, estimatedUsage } from "./charges.ts";
import type { GenerationEnvironment } from "./generation-environment.ts";
import { replyTarget } from "./run-generation.ts";

/**
 * Finishes what a crash left undone, from the log alone and without calling the
 * model: a generation still open is closed as GenerationInterrupted and charged by
 * estimate (once: the decider refuses a second charge for the call); every answer
 * not yet recorded as delivered is sent, partial ones marked interrupted, and its
 * delivery recorded. Running it again after another crash repeats nothing that was
 * recorded.
 */
export async function recoverThread(env: GenerationEnvironment, session: ThreadSession): Promise<void> {
  const state = session.state;
  const key = state.key;
  if (!key) return;
  const logger = env.logger.child({ threadKey: session.stream });
  const open = state.generation;
  if (open) {
    const model = env.models.findModel(open.modelId) ?? env.models.defaultModel();
    const account = await env.users.account(key.userId);
    const systemChars =
      env.globalPrompt(state.chatType ?? "private").length + (account.personality?.length ?? 0);
    const usage = estimatedUsage(null, {
      ...contextChars(state, systemChars),
      outputChars: open.text.length,
      thinkingChars: open.thinking.length,
    });
    const context: EventContext = {
      correlationId: `recovery:${open.generationId}`,
      causationId: open.generationId,
      userId: key.userId,
    };
    // Tools that were running when the process died end as interrupted, uncharged: what
    // they measured died with the process (the owner absorbs it). While they ran, the
    // loop's next model call had not started, so no model call is estimated either.
    const running = open.toolCalls.filter((call) => !open.toolsCompleted.includes(call.toolUseId));
    for (const call of running) {
      await session.execute(
        {
          type: "CompleteToolCall",
          generationId: open.generationId,
          toolUseId: call.toolUseId,
          name: call.name,
          ok: false,
          errorKind: "interrupted",
          durationMs: 0,
          summary: "the bot restarted while the tool was running",
          charge: null,
        },
        context,
      );
    }
    await session.execute(
      {
        type: "InterruptGeneration",
        generationId: open.generationId,
        reason: "process_restart",
        errorKind: null,
        detail: "the bot restarted while the answer was being written",
        charges:
          running.length > 0
            ? []
            : [
                // The call in progress: the loop's earlier calls are charged already.
                chargeFor(model, usage, {
                  callIndex: open.modelCalls,
                  estimated: true,
                  cacheWriteSubsidy: env.cacheWriteSubsidy(),
                }),
              ],
      },
      context,
    );
    logger.warn({ generationId: open.generationId }, "closed a generation left open by a restart");
  }
  for (const answer of session.state.undelivered) {
    const users = session.state.turns.filter((turn): turn is UserTurn => turn.kind === "user");
    const language = users[users.length - 1]?.languageCode ?? null;
    const interrupted = answer.outcome !== "completed";
    const notice =
      answer.outcome === "completed" && answer.stopReason
        ? env.texts.stopNotice(answer.stopReason, language)
        : null;
    // In groups an answer replies to the newest message it answers, as when it streams.
    const target = replyTarget(
      session.state,
      session.state.chatType === "private" ? null : answer.replyToMessageId,
    );
    const context: EventContext = {
      correlationId: `recovery:${answer.generationId}`,
      causationId: answer.generationId,
      userId: key.userId,
    };
    const ids = await env.renderer.deliver(
      target,
      { answer: answer.text, interrupted, notice },
      {
        language,
        resume: { sentParts: answer.sentParts, previewMessageId: answer.previewMessageId },
        onSent: async (message) => {
          await session.execute(
            { type: "RecordMessageSent", generationId: answer.generationId, ...message },
            context,
          );
        },
      },
    );
    await session.execute(
      { type: "RecordDelivery", generationId: answer.generationId, telegramMessageIds: ids, interrupted },
      context,
    );
    logger.info({ generationId: answer.generationId, interrupted }, "delivered an answer left undelivered");
  }
}
