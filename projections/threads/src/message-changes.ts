import { parseThreadStream, type ThreadEvent } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";

/** How an answer stands: streaming until its generation ends one of four ways. */
export type AnswerStatus = "streaming" | "completed" | "cancelled" | "interrupted" | "failed";

/** A `messages` row created by a MessageReceived (user) or GenerationStarted (assistant). */
export interface NewMessage {
  stream: string;
  /** The creating event's revision, as a decimal string (bigint in SQL). */
  seq: string;
  role: "user" | "assistant";
  telegramMessageId: number | null;
  generationId: string | null;
  text: string;
  status: "streaming" | null;
  modelId: string | null;
  /** Start of the token counts and cost: 0 for an answer, null (not applicable) for a user message. */
  zero: 0 | null;
  at: string;
}

/** A MessageEdited: applies to the user rows of that Telegram message that existed before it. */
export interface UserMessageEdit {
  stream: string;
  messageId: number;
  /** The edit's revision: only rows with a smaller `seq` existed when it happened. */
  revision: string;
  text: string;
  at: string;
}

/**
 * What a run of events did to one answer (a generation's row). Written with one
 * UPDATE whose result equals applying the events one by one:
 *
 * - chunks count only while the answer streams, so `text` holds the chunks before
 *   the run's first end event and is appended only if the row is still streaming;
 * - the first end event wins (`ended`), again only if the row is still streaming;
 * - charges add up; deliveries keep the first delivery's time and the first
 *   Telegram message id.
 */
export interface GenerationChange {
  stream: string;
  generationId: string;
  text: string;
  ended: Exclude<AnswerStatus, "streaming"> | null;
  /** The first end event was a cancellation or an interruption: the answer was cut short. */
  endInterrupted: boolean;
  stopReason: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  thinkingTokens: number;
  /** Sum of UsageCharged.userAmount, integer nano-USD as a decimal string. */
  cost: string;
  estimated: boolean;
  deliveredAt: string | null;
  deliveredMessageId: number | null;
  deliveryInterrupted: boolean;
  /** The latest event time touching the answer. */
  lastAt: string;
}

/** Everything a run of events does to the `messages` table, in the order it is written. */
export interface MessageChanges {
  readonly inserts: NewMessage[];
  readonly edits: UserMessageEdit[];
  readonly generations: GenerationChange[];
}

function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * Folds events, in log order, into the changes of the `messages` table. New rows
 * are inserted first; edits and generation changes are then applied in SQL to new
 * and existing rows alike, so a batch and single events share one meaning (chunks
 * of one generation become one string and one UPDATE per batch).
 */
export function foldMessageChanges(events: readonly RecordedEvent<ThreadEvent>[]): MessageChanges {
  const inserts: NewMessage[] = [];
  const edits: UserMessageEdit[] = [];
  const generations = new Map<string, GenerationChange>();

  const generation = (stream: string, generationId: string, at: string): GenerationChange => {
    const key = `${stream}\u0000${generationId}`;
    let change = generations.get(key);
    if (!change) {
      change = {
        stream,
        generationId,
        text: "",
        ended: null,
        endInterrupted: false,
        stopReason: null,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        thinkingTokens: 0,
        cost: "0",
        estimated: false,
        deliveredAt: null,
        deliveredMessageId: null,
        deliveryInterrupted: false,
        lastAt: at,
      };
      generations.set(key, change);
    }
    change.lastAt = later(change.lastAt, at);
    return change;
  };

  const end = (
    change: GenerationChange,
    status: Exclude<AnswerStatus, "streaming">,
    stopReason: string | null,
  ): void => {
    if (change.ended) return;
    change.ended = status;
    change.endInterrupted = status === "cancelled" || status === "interrupted";
    change.stopReason = stopReason;
  };

  for (const event of events) {
    if (!parseThreadStream(event.stream)) continue;
    const { stream } = event;
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case "MessageReceived":
        inserts.push({
          stream,
          seq: event.revision.toString(),
          role: "user",
          telegramMessageId: event.data.messageId,
          generationId: null,
          text: event.data.text,
          status: null,
          modelId: null,
          zero: null,
          at,
        });
        break;
      case "MessageEdited":
        edits.push({
          stream,
          messageId: event.data.messageId,
          revision: event.revision.toString(),
          text: event.data.text,
          at,
        });
        break;
      case "GenerationStarted":
        inserts.push({
          stream,
          seq: event.revision.toString(),
          role: "assistant",
          telegramMessageId: null,
          generationId: event.data.generationId,
          text: "",
          status: "streaming",
          modelId: event.data.modelId,
          zero: 0,
          at,
        });
        break;
      case "ChunkStreamed": {
        const change = generation(stream, event.data.generationId, at);
        if (!change.ended) change.text += event.data.text;
        break;
      }
      case "GenerationCompleted":
        end(generation(stream, event.data.generationId, at), "completed", event.data.stopReason);
        break;
      case "GenerationCancelled":
        end(generation(stream, event.data.generationId, at), "cancelled", null);
        break;
      case "GenerationInterrupted":
        end(generation(stream, event.data.generationId, at), "interrupted", null);
        break;
      case "GenerationFailed":
        end(generation(stream, event.data.generationId, at), "failed", null);
        break;
      case "UsageCharged": {
        const change = generation(stream, event.data.generationId, at);
        const q = event.data.quantities;
        change.inputTokens += q.inputTokens;
        change.outputTokens += q.outputTokens;
        change.cacheReadTokens += q.cacheReadTokens;
        change.cacheWriteTokens += q.cacheWrite5mTokens + q.cacheWrite1hTokens;
        change.thinkingTokens += q.thinkingTokens;
        change.cost = (BigInt(change.cost) + BigInt(event.data.userAmount)).toString();
        change.estimated ||= event.data.estimated;
        break;
      }
      case "ToolCharged": {
        const change = generation(stream, event.data.generationId, at);
        change.cost = (BigInt(change.cost) + BigInt(event.data.userAmount)).toString();
        break;
      }
      case "ToolCalled":
      case "ToolCompleted":
      case "FileReceived":
      case "FileDelivered":
      case "FileTranscribed":
      case "FileUploaded":
      case "ProviderFileDeleted":
      case "ToolSessionOpened":
      case "ToolSessionClosed":
        // Files have their own read model (projections/files).
        // The tool calls are in the log (replay-thread shows them); the row keeps the answer.
        break;
      case "AnswerDelivered": {
        const change = generation(stream, event.data.generationId, at);
        change.deliveredAt ??= at;
        change.deliveredMessageId ??= event.data.telegramMessageIds[0] ?? null;
        change.deliveryInterrupted ||= event.data.interrupted;
        break;
      }
      case "ModelSelected":
      case "ContextReset":
        // Thread-level facts: they change the `threads` row only.
        break;
      case "AnswerMessageSent":
        // Delivery bookkeeping for recovery; the row changes with AnswerDelivered.
        break;
      case "GenerationRefused":
        // The refused messages stay as they are: asked, not answered.
        break;
      default: {
        const unhandled: never = event;
        throw new Error(`threads projection cannot fold ${(unhandled as { type: string }).type}`);
      }
    }
  }
  return { inserts, edits, generations: [...generations.values()] };
}
