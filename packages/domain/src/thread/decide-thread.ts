import type {
  FileDelivered,
  FileReceived,
  FileTranscribed,
  FileUploaded,
  MessageReceived,
  ProviderFileDeleted,
  ThreadEvent,
  TokenQuantities,
  ToolSessionClosed,
  ToolSessionOpened,
  UnitPrice,
  UsageCharged,
} from "../events/thread-events.ts";
import { chargeKey, type ThreadState } from "./thread-state.ts";

/** An event before metadata is stamped on it (see `stampEvents`). */
export type EventDraft<E extends { type: string; data: object }> = E extends unknown
  ? { readonly type: E["type"]; readonly data: E["data"] }
  : never;

/** A thread event before metadata. */
export type ThreadEventDraft = EventDraft<ThreadEvent>;

/** What a model call cost, as computed by the pricing of the model registry. */
export interface ChargeDraft {
  readonly callIndex: number;
  readonly modelId: string;
  readonly priceTableVersion: string;
  readonly estimated: boolean;
  readonly quantities: TokenQuantities;
  readonly amount: number;
  readonly userAmount: number;
  readonly cacheWriteSubsidised: boolean;
}

/** What a paid tool's use cost, as computed from the registry's tool prices. */
export interface ToolChargeDraft {
  readonly priceTableVersion: string;
  readonly quantities: Readonly<Record<string, number>>;
  readonly unitPrices: Readonly<Record<string, UnitPrice>>;
  readonly amount: number;
  readonly userAmount: number;
}

/** One tool call the model made. */
export interface ToolCallDraft {
  readonly toolUseId: string;
  readonly name: string;
  readonly input: unknown;
}

/** Everything that can be asked of a thread. */
export type ThreadCommand =
  | {
      readonly type: "ReceiveMessage";
      readonly message: MessageReceived["data"];
      /** Files the message carried (photo, document, voice...), recorded with it. */
      readonly files?: readonly FileReceived["data"][];
    }
  | {
      readonly type: "EditMessage";
      readonly messageId: number;
      readonly updateId: number;
      readonly text: string;
      readonly editedAt: string;
    }
  | { readonly type: "SelectModel"; readonly modelId: string | null }
  | { readonly type: "ResetContext"; readonly reason: "command" | "operator" }
  | {
      readonly type: "StartGeneration";
      readonly generationId: string;
      readonly modelId: string;
      readonly priceTableVersion: string;
      readonly delivery: "draft" | "edit";
    }
  | {
      readonly type: "RefuseGeneration";
      readonly reason: "insufficient_balance";
      readonly balance: number;
    }
  | {
      readonly type: "RecordChunk";
      readonly generationId: string;
      readonly text: string;
      readonly thinking: string;
    }
  | {
      /** A tool produced a file for the user (stored by the bot; pending until delivered). */
      readonly type: "RecordToolFile";
      readonly file: FileReceived["data"];
    }
  | {
      readonly type: "RecordFileDelivery";
      readonly delivery: FileDelivered["data"];
    }
  | { readonly type: "RecordUpload"; readonly upload: FileUploaded["data"] }
  | {
      readonly type: "RecordTranscription";
      readonly transcription: FileTranscribed["data"];
      readonly charge: ToolChargeDraft | null;
    }
  | { readonly type: "RecordProviderFileDeleted"; readonly deletion: ProviderFileDeleted["data"] }
  | { readonly type: "OpenToolSession"; readonly session: ToolSessionOpened["data"] }
  | { readonly type: "CloseToolSession"; readonly session: ToolSessionClosed["data"] }
  | {
      /** A model call of a tool loop ended asking for tools: its charge, before the tools run. */
      readonly type: "ChargeModelCall";
      readonly generationId: string;
      readonly charge: ChargeDraft;
    }
  | {
      readonly type: "CallTools";
      readonly generationId: string;
      readonly callIndex: number;
      readonly calls: readonly ToolCallDraft[];
    }
  | {
      readonly type: "CompleteToolCall";
      readonly generationId: string;
      readonly toolUseId: string;
      readonly name: string;
      readonly ok: boolean;
      readonly errorKind: string | null;
      readonly durationMs: number;
      readonly summary: string;
      readonly charge: ToolChargeDraft | null;
    }
  | {
      readonly type: "CompleteGeneration";
      readonly generationId: string;
      readonly stopReason: Extract<ThreadEvent, { type: "GenerationCompleted" }>["data"]["stopReason"];
      readonly model: string;
      readonly usage: TokenQuantities;
      readonly charges: readonly ChargeDraft[];
    }
  | {
      readonly type: "CancelGeneration";
      readonly generationId: string;
      readonly reason: Extract<ThreadEvent, { type: "GenerationCancelled" }>["data"]["reason"];
      readonly charges: readonly ChargeDraft[];
    }
  | {
      readonly type: "InterruptGeneration";
      readonly generationId: string;
      readonly reason: "process_restart" | "provider_error";
      readonly errorKind: string | null;
      readonly detail: string | null;
      readonly charges: readonly ChargeDraft[];
    }
  | {
      readonly type: "FailGeneration";
      readonly generationId: string;
      readonly errorKind: string;
      readonly retryAfterSeconds: number | null;
      readonly detail: string | null;
      readonly charges: readonly ChargeDraft[];
    }
  | {
      readonly type: "RecordMessageSent";
      readonly generationId: string;
      readonly telegramMessageId: number;
      readonly kind: "preview" | "part";
      readonly partIndex: number | null;
    }
  | {
      readonly type: "RecordDelivery";
      readonly generationId: string;
      readonly telegramMessageIds: readonly number[];
      readonly interrupted: boolean;
    };

/** A command that the thread's current state does not allow (an orchestration bug). */
export class ThreadRuleViolation extends Error {
  override readonly name = "ThreadRuleViolation";
  constructor(
    readonly command: ThreadCommand["type"],
    readonly rule: string,
  ) {
    super(`${command} refused: ${rule}`);
  }
}

function requireOpen(state: ThreadState, command: ThreadCommand["type"], generationId: string) {
  if (state.generation?.generationId !== generationId) {
    throw new ThreadRuleViolation(command, `generation ${generationId} is not the open generation`);
  }
  return state.generation;
}

function chargeEvents(
  state: ThreadState,
  generationId: string,
  charges: readonly ChargeDraft[],
): ThreadEventDraft[] {
  const userId = state.key?.userId;
  if (charges.length > 0 && !userId)
    throw new ThreadRuleViolation("CompleteGeneration", "thread has no user");
  const seen = new Set<string>();
  return charges
    .filter((charge) => {
      const key = chargeKey(generationId, charge.callIndex);
      // Charged once: a retried decision (or a duplicate charge) adds nothing.
      if (state.chargedCalls.has(key) || seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(
      (charge): ThreadEventDraft => ({
        type: "UsageCharged",
        data: { ...charge, generationId, userId: userId as number } satisfies UsageCharged["data"],
      }),
    );
}

/**
 * Decides which events a command produces in the given state. Pure: no clock, no
 * ids (they come with the command), no I/O. Returns [] for commands that are
 * already satisfied (a duplicate update, a model already selected) and throws
 * {@link ThreadRuleViolation} for commands the state does not allow.
 */
export function decideThread(command: ThreadCommand, state: ThreadState): ThreadEventDraft[] {
  switch (command.type) {
    case "ReceiveMessage": {
      const { message } = command;
      if (
        state.recentUpdateIds.includes(message.updateId) ||
        state.recentMessageIds.includes(message.messageId)
      ) {
        return [];
      }
      const files = (command.files ?? []).map(
        (file): ThreadEventDraft => ({
          type: "FileReceived",
          data: { ...file, messageId: message.messageId },
        }),
      );
      return [{ type: "MessageReceived", data: message }, ...files];
    }
    case "EditMessage": {
      if (state.recentUpdateIds.includes(command.updateId)) return [];
      const known = state.turns.some((turn) => turn.kind === "user" && turn.messageId === command.messageId);
      if (!known) return [];
      const { type: _type, ...data } = command;
      return [{ type: "MessageEdited", data }];
    }
    case "SelectModel":
      if (state.modelOverride === command.modelId) return [];
      return [
        { type: "ModelSelected", data: { modelId: command.modelId, previousModelId: state.modelOverride } },
      ];
    case "ResetContext":
      if (state.generation) throw new ThreadRuleViolation(command.type, "stop the open generation first");
      return [{ type: "ContextReset", data: { reason: command.reason } }];
    case "StartGeneration": {
      if (state.generation) throw new ThreadRuleViolation(command.type, "a generation is already open");
      if (state.pending.length === 0)
        throw new ThreadRuleViolation(command.type, "no pending messages to answer");
      const { type: _type, ...rest } = command;
      return [{ type: "GenerationStarted", data: { ...rest, batchMessageIds: [...state.pending] } }];
    }
    case "RefuseGeneration": {
      if (state.generation) throw new ThreadRuleViolation(command.type, "a generation is open");
      if (state.pending.length === 0) return [];
      return [
        {
          type: "GenerationRefused",
          data: { batchMessageIds: [...state.pending], reason: command.reason, balance: command.balance },
        },
      ];
    }
    case "RecordChunk": {
      const generation = requireOpen(state, command.type, command.generationId);
      if (command.text.length === 0 && command.thinking.length === 0) return [];
      return [
        {
          type: "ChunkStreamed",
          data: {
            generationId: command.generationId,
            sequence: generation.chunks,
            text: command.text,
            thinking: command.thinking,
          },
        },
      ];
    }
    case "RecordToolFile": {
      const { file } = command;
      if (file.source !== "assistant" || !file.generationId || !file.sha256) {
        throw new ThreadRuleViolation(command.type, "a tool output needs its generation and stored content");
      }
      requireOpen(state, command.type, file.generationId);
      if (state.files.some((known) => known.fileId === file.fileId)) return [];
      return [{ type: "FileReceived", data: file }];
    }
    case "RecordFileDelivery": {
      const file = state.files.find((known) => known.fileId === command.delivery.fileId);
      if (!file)
        throw new ThreadRuleViolation(command.type, `no file ${command.delivery.fileId} in this thread`);
      if (file.delivered) return [];
      return [{ type: "FileDelivered", data: command.delivery }];
    }
    case "RecordTranscription": {
      const { transcription } = command;
      requireOpen(state, command.type, transcription.generationId);
      const file = state.files.find((known) => known.fileId === transcription.fileId);
      if (!file)
        throw new ThreadRuleViolation(command.type, `no file ${transcription.fileId} in this thread`);
      if (file.transcript) return [];
      const userId = state.key?.userId;
      if (command.charge && !userId) throw new ThreadRuleViolation(command.type, "thread has no user");
      const transcribed: ThreadEventDraft = { type: "FileTranscribed", data: transcription };
      if (!command.charge) return [transcribed];
      return [
        transcribed,
        {
          type: "ToolCharged",
          data: {
            generationId: transcription.generationId,
            toolUseId: `auto:${transcription.fileId}`,
            userId: userId as number,
            name: "transcribe_audio",
            priceTableVersion: command.charge.priceTableVersion,
            quantities: { ...command.charge.quantities },
            unitPrices: { ...command.charge.unitPrices },
            amount: command.charge.amount,
            userAmount: command.charge.userAmount,
          },
        },
      ];
    }
    case "RecordUpload": {
      const file = state.files.find((known) => known.fileId === command.upload.fileId);
      if (!file)
        throw new ThreadRuleViolation(command.type, `no file ${command.upload.fileId} in this thread`);
      if (file.uploads.some((upload) => upload.providerFileId === command.upload.providerFileId)) return [];
      return [{ type: "FileUploaded", data: command.upload }];
    }
    case "RecordProviderFileDeleted": {
      const file = state.files.find((known) => known.fileId === command.deletion.fileId);
      if (!file?.uploads.some((upload) => upload.providerFileId === command.deletion.providerFileId))
        return [];
      return [{ type: "ProviderFileDeleted", data: command.deletion }];
    }
    case "OpenToolSession": {
      const known = state.toolSessions[command.session.tool];
      if (known?.sessionId === command.session.sessionId && known.expiresAt === command.session.expiresAt)
        return [];
      return [{ type: "ToolSessionOpened", data: command.session }];
    }
    case "CloseToolSession":
      if (state.toolSessions[command.session.tool]?.sessionId !== command.session.sessionId) return [];
      return [{ type: "ToolSessionClosed", data: command.session }];
    case "ChargeModelCall":
      requireOpen(state, command.type, command.generationId);
      return chargeEvents(state, command.generationId, [command.charge]);
    case "CallTools": {
      const generation = requireOpen(state, command.type, command.generationId);
      const called = new Set(generation.toolCalls.map((call) => call.toolUseId));
      return command.calls
        .filter((call) => !called.has(call.toolUseId))
        .map(
          (call): ThreadEventDraft => ({
            type: "ToolCalled",
            data: {
              generationId: command.generationId,
              callIndex: command.callIndex,
              toolUseId: call.toolUseId,
              name: call.name,
              input: call.input,
            },
          }),
        );
    }
    case "CompleteToolCall": {
      const generation = requireOpen(state, command.type, command.generationId);
      if (!generation.toolCalls.some((call) => call.toolUseId === command.toolUseId)) {
        throw new ThreadRuleViolation(command.type, `tool call ${command.toolUseId} was never recorded`);
      }
      // Completed once: a retried decision adds nothing (and charges nothing again).
      if (generation.toolsCompleted.includes(command.toolUseId)) return [];
      const userId = state.key?.userId;
      if (command.charge && !userId) throw new ThreadRuleViolation(command.type, "thread has no user");
      const completed: ThreadEventDraft = {
        type: "ToolCompleted",
        data: {
          generationId: command.generationId,
          toolUseId: command.toolUseId,
          name: command.name,
          ok: command.ok,
          errorKind: command.errorKind,
          durationMs: Math.max(0, Math.round(command.durationMs)),
          summary: command.summary.slice(0, 2000),
        },
      };
      if (!command.charge) return [completed];
      return [
        completed,
        {
          type: "ToolCharged",
          data: {
            generationId: command.generationId,
            toolUseId: command.toolUseId,
            userId: userId as number,
            name: command.name,
            priceTableVersion: command.charge.priceTableVersion,
            quantities: { ...command.charge.quantities },
            unitPrices: { ...command.charge.unitPrices },
            amount: command.charge.amount,
            userAmount: command.charge.userAmount,
          },
        },
      ];
    }
    case "CompleteGeneration":
      requireOpen(state, command.type, command.generationId);
      return [
        {
          type: "GenerationCompleted",
          data: {
            generationId: command.generationId,
            stopReason: command.stopReason,
            model: command.model,
            usage: command.usage,
          },
        },
        ...chargeEvents(state, command.generationId, command.charges),
      ];
    case "CancelGeneration":
      requireOpen(state, command.type, command.generationId);
      return [
        { type: "GenerationCancelled", data: { generationId: command.generationId, reason: command.reason } },
        ...chargeEvents(state, command.generationId, command.charges),
      ];
    case "InterruptGeneration":
      requireOpen(state, command.type, command.generationId);
      return [
        {
          type: "GenerationInterrupted",
          data: {
            generationId: command.generationId,
            reason: command.reason,
            errorKind: command.errorKind,
            detail: command.detail,
          },
        },
        ...chargeEvents(state, command.generationId, command.charges),
      ];
    case "FailGeneration": {
      const generation = requireOpen(state, command.type, command.generationId);
      if (generation.text.length > 0) {
        throw new ThreadRuleViolation(command.type, "text was streamed: interrupt the generation instead");
      }
      return [
        {
          type: "GenerationFailed",
          data: {
            generationId: command.generationId,
            errorKind: command.errorKind,
            retryAfterSeconds: command.retryAfterSeconds,
            detail: command.detail,
          },
        },
        ...chargeEvents(state, command.generationId, command.charges),
      ];
    }
    case "RecordMessageSent": {
      const known =
        state.generation?.generationId === command.generationId ||
        state.undelivered.some((answer) => answer.generationId === command.generationId);
      if (!known) return [];
      const { type: _type, ...data } = command;
      return [{ type: "AnswerMessageSent", data }];
    }
    case "RecordDelivery": {
      const undelivered = state.undelivered.some((answer) => answer.generationId === command.generationId);
      if (!undelivered) return [];
      return [
        {
          type: "AnswerDelivered",
          data: {
            generationId: command.generationId,
            telegramMessageIds: [...command.telegramMessageIds],
            interrupted: command.interrupted,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      throw new Error(`decideThread: unhandled command ${(unknown as { type: string }).type}`);
    }
  }
}
