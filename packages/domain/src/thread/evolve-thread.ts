import type { ThreadEvent } from "../events/thread-events.ts";
import { parseThreadStream } from "../streams.ts";
import {
  type AssistantTurn,
  chargeKey,
  DEDUPLICATION_WINDOW,
  type GenerationOutcome,
  type OpenGeneration,
  type ThreadFile,
  type ThreadState,
  type Turn,
} from "./thread-state.ts";

function remember(ids: readonly number[], id: number): readonly number[] {
  const next =
    ids.length >= DEDUPLICATION_WINDOW ? ids.slice(ids.length - DEDUPLICATION_WINDOW + 1) : [...ids];
  next.push(id);
  return next;
}

/** A sender label for group threads: "First (@username)" or "First". */
export function senderLabel(from: { firstName: string; username: string | null }): string {
  return from.username ? `${from.firstName} (@${from.username})` : from.firstName;
}

/**
 * Where the answer of the open generation goes in the turns: after its batch, before
 * the messages received while it was written (still pending, so at the end). They
 * come after the answer in the conversation: otherwise the context would end with
 * the answer, and the model would continue it instead of answering them.
 */
function answerPosition(state: ThreadState): number {
  const pending = new Set(state.pending);
  let position = state.turns.length;
  for (;;) {
    const previous = state.turns[position - 1];
    if (previous?.kind !== "user" || !pending.has(previous.messageId)) return position;
    position--;
  }
}

/** Ends the open generation: its text becomes an assistant turn (unless nothing was said). */
function endGeneration(
  state: ThreadState,
  generationId: string,
  outcome: GenerationOutcome,
  stopReason: string | null,
): ThreadState {
  const generation = state.generation;
  if (!generation || generation.generationId !== generationId) return state;
  const hasText = generation.text.length > 0;
  const turn: AssistantTurn = {
    kind: "assistant",
    generationId,
    text: generation.text,
    interrupted: outcome === "cancelled" || outcome === "interrupted",
  };
  const position = answerPosition(state);
  const turns: readonly Turn[] = hasText
    ? [...state.turns.slice(0, position), turn, ...state.turns.slice(position)]
    : state.turns;
  const undelivered =
    outcome === "failed"
      ? state.undelivered
      : [
          ...state.undelivered,
          {
            generationId,
            outcome,
            text: generation.text,
            stopReason,
            replyToMessageId: generation.batchMessageIds[generation.batchMessageIds.length - 1] ?? null,
            previewMessageId: generation.previewMessageId,
            sentParts: generation.sentParts,
          },
        ];
  return { ...state, generation: null, turns, undelivered };
}

/**
 * Folds one thread event into the state. Pure and total: every event type is
 * handled, and replaying a stream's events from `initialThreadState` gives the
 * thread's state at that revision.
 */
export function evolveThread(state: ThreadState, event: ThreadEvent, stream?: string): ThreadState {
  const at = event.metadata.occurredAt;
  const touched = {
    ...state,
    lastActivityAt: at,
    key: state.key ?? (stream ? parseThreadStream(stream) : null),
  };
  switch (event.type) {
    case "MessageReceived": {
      const data = event.data;
      const turn: Turn = {
        kind: "user",
        messageId: data.messageId,
        updateId: data.updateId,
        languageCode: data.from.languageCode,
        text: data.text,
        senderLabel: senderLabel(data.from),
        edited: false,
        fileIds: [],
      };
      return {
        ...touched,
        key: touched.key ?? { chatId: data.chatId, topicId: data.topicId, userId: data.userId },
        chatType: data.chatType,
        turns: [...state.turns, turn],
        pending: [...state.pending, data.messageId],
        recentUpdateIds: remember(state.recentUpdateIds, data.updateId),
        recentMessageIds: remember(state.recentMessageIds, data.messageId),
        messageCount: state.messageCount + 1,
      };
    }
    case "MessageEdited": {
      const { messageId, text } = event.data;
      return {
        ...touched,
        recentUpdateIds: remember(state.recentUpdateIds, event.data.updateId),
        turns: state.turns.map((turn) =>
          turn.kind === "user" && turn.messageId === messageId ? { ...turn, text, edited: true } : turn,
        ),
      };
    }
    case "ModelSelected":
      return { ...touched, modelOverride: event.data.modelId };
    case "ContextReset":
      return { ...touched, turns: [], pending: [] };
    case "GenerationStarted": {
      const data = event.data;
      const generation: OpenGeneration = {
        generationId: data.generationId,
        modelId: data.modelId,
        priceTableVersion: data.priceTableVersion,
        batchMessageIds: data.batchMessageIds,
        delivery: data.delivery,
        text: "",
        thinking: "",
        chunks: 0,
        startedAt: at,
        previewMessageId: null,
        sentParts: 0,
        modelCalls: 0,
        toolCalls: [],
        toolsCompleted: [],
      };
      const batch = new Set(data.batchMessageIds);
      return {
        ...touched,
        generation,
        pending: state.pending.filter((id) => !batch.has(id)),
        generationCount: state.generationCount + 1,
      };
    }
    case "ChunkStreamed": {
      const generation = state.generation;
      if (!generation || generation.generationId !== event.data.generationId) return touched;
      return {
        ...touched,
        generation: {
          ...generation,
          text: generation.text + event.data.text,
          thinking: generation.thinking + event.data.thinking,
          chunks: generation.chunks + 1,
        },
      };
    }
    case "GenerationCompleted":
      return endGeneration(touched, event.data.generationId, "completed", event.data.stopReason);
    case "GenerationCancelled":
      return endGeneration(touched, event.data.generationId, "cancelled", null);
    case "GenerationInterrupted":
      return endGeneration(touched, event.data.generationId, "interrupted", null);
    case "GenerationFailed":
      return endGeneration(touched, event.data.generationId, "failed", null);
    case "GenerationRefused": {
      const refused = new Set(event.data.batchMessageIds);
      return { ...touched, pending: state.pending.filter((id) => !refused.has(id)) };
    }
    case "UsageCharged": {
      const charged = new Set(state.chargedCalls);
      charged.add(chargeKey(event.data.generationId, event.data.callIndex));
      const generation =
        state.generation?.generationId === event.data.generationId
          ? {
              ...state.generation,
              modelCalls: Math.max(state.generation.modelCalls, event.data.callIndex + 1),
            }
          : state.generation;
      return {
        ...touched,
        generation,
        chargedCalls: charged,
        userCost: state.userCost + event.data.userAmount,
      };
    }
    case "ToolCharged":
      return { ...touched, userCost: state.userCost + event.data.userAmount };
    case "FileReceived": {
      const data = event.data;
      if (state.files.some((file) => file.fileId === data.fileId)) return touched;
      const file: ThreadFile = { ...data, receivedAt: at, delivered: false, uploads: [], transcript: null };
      const turns =
        data.source === "user" && data.messageId !== null
          ? state.turns.map((turn) =>
              turn.kind === "user" && turn.messageId === data.messageId
                ? { ...turn, fileIds: [...turn.fileIds, data.fileId] }
                : turn,
            )
          : state.turns;
      return { ...touched, turns, files: [...state.files, file] };
    }
    case "FileTranscribed": {
      const { fileId, text, language } = event.data;
      return {
        ...touched,
        files: state.files.map((file) =>
          file.fileId === fileId ? { ...file, transcript: { text, language } } : file,
        ),
      };
    }
    case "FileUploaded": {
      const { fileId, provider, providerFileId, expiresAt } = event.data;
      return {
        ...touched,
        files: state.files.map((file) =>
          file.fileId === fileId
            ? {
                ...file,
                // Every copy is kept until it is recorded deleted: the clean-up job must find old ones too.
                uploads: [...file.uploads, { provider, providerFileId, expiresAt }],
              }
            : file,
        ),
      };
    }
    case "ProviderFileDeleted": {
      const { fileId, providerFileId } = event.data;
      return {
        ...touched,
        files: state.files.map((file) =>
          file.fileId === fileId
            ? { ...file, uploads: file.uploads.filter((upload) => upload.providerFileId !== providerFileId) }
            : file,
        ),
      };
    }
    case "ToolSessionOpened":
      return {
        ...touched,
        toolSessions: {
          ...state.toolSessions,
          [event.data.tool]: { sessionId: event.data.sessionId, expiresAt: event.data.expiresAt },
        },
      };
    case "ToolSessionClosed": {
      if (state.toolSessions[event.data.tool]?.sessionId !== event.data.sessionId) return touched;
      const { [event.data.tool]: _closed, ...open } = state.toolSessions;
      return { ...touched, toolSessions: open };
    }
    case "FileDelivered":
      return {
        ...touched,
        files: state.files.map((file) =>
          file.fileId === event.data.fileId ? { ...file, delivered: true } : file,
        ),
      };
    case "ToolCalled": {
      const generation = state.generation;
      if (generation?.generationId !== event.data.generationId) return touched;
      return {
        ...touched,
        generation: {
          ...generation,
          toolCalls: [...generation.toolCalls, { toolUseId: event.data.toolUseId, name: event.data.name }],
        },
      };
    }
    case "ToolCompleted": {
      const generation = state.generation;
      if (generation?.generationId !== event.data.generationId) return touched;
      return {
        ...touched,
        generation: { ...generation, toolsCompleted: [...generation.toolsCompleted, event.data.toolUseId] },
      };
    }
    case "AnswerMessageSent": {
      const { generationId, kind, partIndex, telegramMessageId } = event.data;
      const sent = <T extends { previewMessageId: number | null; sentParts: number }>(answer: T): T =>
        kind === "preview"
          ? { ...answer, previewMessageId: telegramMessageId }
          : {
              ...answer,
              sentParts: Math.max(answer.sentParts, (partIndex ?? 0) + 1),
              // A preview edited into a finished part is no longer a preview.
              previewMessageId:
                answer.previewMessageId === telegramMessageId ? null : answer.previewMessageId,
            };
      return {
        ...touched,
        generation:
          state.generation?.generationId === generationId ? sent(state.generation) : state.generation,
        undelivered: state.undelivered.map((answer) =>
          answer.generationId === generationId ? sent(answer) : answer,
        ),
      };
    }
    case "AnswerDelivered":
      return {
        ...touched,
        undelivered: state.undelivered.filter((answer) => answer.generationId !== event.data.generationId),
      };
    default: {
      const unknown: never = event;
      throw new Error(`evolveThread: unhandled event ${(unknown as { type: string }).type}`);
    }
  }
}

/** Folds events in order from the initial state. */
export function foldThread(events: Iterable<ThreadEvent>, from: ThreadState, stream?: string): ThreadState {
  let state = from;
  for (const event of events) state = evolveThread(state, event, stream);
  return state;
}
