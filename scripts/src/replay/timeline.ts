import {
  type DomainEvent,
  formatUsd,
  type NanoUsd,
  senderLabel,
  type ThreadEvent,
  type TokenQuantities,
} from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import { quote } from "./text.ts";
import { isThreadEvent } from "./thread-replay.ts";

/** One line of the timeline before the columns are aligned. */
interface Row {
  readonly revision: string;
  readonly time: string;
  readonly type: string;
  readonly details: string;
}

/** Amounts with all 9 decimals: a charge is exact in nano-USD, so is what is shown. */
export function usd(amount: number): string {
  return formatUsd(amount as NanoUsd, { decimals: 9 });
}

/** Token counts: input and output always, the others when not zero. */
export function tokens(usage: TokenQuantities): string {
  const parts = [`in ${usage.inputTokens}`, `out ${usage.outputTokens}`];
  if (usage.cacheReadTokens > 0) parts.push(`cache read ${usage.cacheReadTokens}`);
  if (usage.cacheWrite5mTokens > 0) parts.push(`cache write 5m ${usage.cacheWrite5mTokens}`);
  if (usage.cacheWrite1hTokens > 0) parts.push(`cache write 1h ${usage.cacheWrite1hTokens}`);
  if (usage.thinkingTokens > 0) parts.push(`thinking ${usage.thinkingTokens}`);
  if (usage.webSearchRequests > 0) parts.push(`web searches ${usage.webSearchRequests}`);
  return parts.join(", ");
}

function optional(label: string, value: string | number | null): string {
  return value === null ? "" : ` ${label} ${value}`;
}

function describe(event: ThreadEvent, full: boolean): string {
  switch (event.type) {
    case "MessageReceived": {
      const data = event.data;
      return `msg ${data.messageId} from ${senderLabel(data.from)} (update ${data.updateId}${
        data.replyToMessageId === null ? "" : `, reply to ${data.replyToMessageId}`
      }): ${quote(data.text, full)}`;
    }
    case "MessageEdited":
      return `msg ${event.data.messageId} edited (update ${event.data.updateId}): ${quote(event.data.text, full)}`;
    case "ModelSelected":
      return event.data.modelId === null
        ? `override ${event.data.previousModelId ?? "none"} removed: the user's default applies`
        : `override ${event.data.previousModelId ?? "none"} -> ${event.data.modelId}`;
    case "ContextReset":
      return `context reset (${event.data.reason})`;
    case "GenerationStarted": {
      const data = event.data;
      return `gen ${data.generationId} model ${data.modelId} price table ${data.priceTableVersion} batch [${data.batchMessageIds.join(", ")}] delivery ${data.delivery}`;
    }
    case "ChunkStreamed":
      // Single chunks only; runs of chunks are coalesced by formatTimeline.
      return `gen ${event.data.generationId} 1 chunk: ${quote(event.data.text, full)}`;
    case "GenerationCompleted":
      return `gen ${event.data.generationId} stop ${event.data.stopReason} model ${event.data.model}; usage ${tokens(event.data.usage)}`;
    case "GenerationCancelled":
      return `gen ${event.data.generationId} CANCELLED (${event.data.reason})`;
    case "GenerationInterrupted":
      return `gen ${event.data.generationId} INTERRUPTED (${event.data.reason})${optional("error", event.data.errorKind)}${
        event.data.detail === null ? "" : ` detail ${quote(event.data.detail, full)}`
      }`;
    case "GenerationFailed":
      return `gen ${event.data.generationId} FAILED error ${event.data.errorKind}${optional(
        "retry after (s)",
        event.data.retryAfterSeconds,
      )}${event.data.detail === null ? "" : ` detail ${quote(event.data.detail, full)}`}`;
    case "GenerationRefused":
      return `messages [${event.data.batchMessageIds.join(", ")}] REFUSED (${event.data.reason}, balance ${usd(event.data.balance)})`;
    case "UsageCharged": {
      const data = event.data;
      const flags = [
        data.estimated ? "ESTIMATED" : "",
        data.cacheWriteSubsidised ? "cache write subsidised" : "",
      ]
        .filter(Boolean)
        .join(", ");
      return `gen ${data.generationId} call ${data.callIndex} model ${data.modelId} price table ${data.priceTableVersion}: amount ${usd(data.amount)}, user pays ${usd(data.userAmount)}${flags ? ` [${flags}]` : ""}; tokens ${tokens(data.quantities)}`;
    }
    case "ToolCalled":
      return `gen ${event.data.generationId} call ${event.data.callIndex} asks tool ${event.data.name} (${event.data.toolUseId}): ${quote(JSON.stringify(event.data.input) ?? "null", full)}`;
    case "ToolCompleted":
      return `gen ${event.data.generationId} tool ${event.data.name} (${event.data.toolUseId}) ${
        event.data.ok ? "ok" : `FAILED (${event.data.errorKind ?? "error"})`
      } in ${event.data.durationMs} ms: ${quote(event.data.summary, full)}`;
    case "ToolCharged": {
      const data = event.data;
      const measured = Object.entries(data.quantities)
        .map(([key, value]) => `${key} ${value}`)
        .join(", ");
      return `gen ${data.generationId} tool ${data.name} (${data.toolUseId}) price table ${data.priceTableVersion}: amount ${usd(data.amount)}, user pays ${usd(data.userAmount)}; ${measured}`;
    }
    case "FileReceived": {
      const data = event.data;
      const origin =
        data.source === "user"
          ? `from msg ${data.messageId ?? "?"}`
          : `made by tool call ${data.toolUseId ?? "?"} (pending delivery)`;
      return `file ${data.fileId} ${data.kind} ${quote(data.name, full)} ${data.mimeType} ${data.sizeBytes} B ${origin}`;
    }
    case "FileTranscribed":
      return `file ${event.data.fileId} transcribed by ${event.data.model} (${event.data.durationSeconds} s${
        event.data.language ? `, ${event.data.language}` : ""
      }): ${quote(event.data.text, full)}`;
    case "FileUploaded":
      return `file ${event.data.fileId} uploaded to ${event.data.provider} as ${event.data.providerFileId}${
        event.data.expiresAt ? ` (expires ${event.data.expiresAt})` : ""
      }`;
    case "ProviderFileDeleted":
      return `file ${event.data.fileId}: ${event.data.provider} copy ${event.data.providerFileId} deleted (${event.data.reason})`;
    case "ToolSessionOpened":
      return `tool ${event.data.tool} session ${event.data.sessionId} open until ${event.data.expiresAt}`;
    case "ToolSessionClosed":
      return `tool ${event.data.tool} session ${event.data.sessionId} closed (${event.data.reason})`;
    case "FileDelivered":
      return `file ${event.data.fileId} delivered as ${event.data.sentAs} in Telegram message ${event.data.telegramMessageId}`;
    case "AnswerMessageSent":
      return `gen ${event.data.generationId} ${event.data.kind === "preview" ? "preview" : `part ${event.data.partIndex}`} sent as Telegram message ${event.data.telegramMessageId}`;
    case "AnswerDelivered": {
      const ids = event.data.telegramMessageIds;
      return `gen ${event.data.generationId} as ${ids.length === 0 ? "no Telegram message" : `Telegram messages [${ids.join(", ")}]`}${
        event.data.interrupted ? " (interrupted)" : ""
      }`;
    }
    default: {
      const unknown: never = event;
      throw new Error(`replay-thread cannot describe ${(unknown as { type: string }).type}`);
    }
  }
}

/** A run of consecutive chunks of one generation as one line: how many, and their joined text. */
function chunkRow(
  run: readonly RecordedEvent<ThreadEvent & { type: "ChunkStreamed" }>[],
  full: boolean,
): Row {
  const first = run[0];
  const last = run[run.length - 1];
  if (!first || !last) throw new Error("empty chunk run");
  const text = run.map((event) => event.data.text).join("");
  const thinking = run.reduce((length, event) => length + event.data.thinking.length, 0);
  return {
    revision: run.length === 1 ? `${first.revision}` : `${first.revision}-${last.revision}`,
    time: first.metadata.occurredAt,
    type: "ChunkStreamed",
    details: `gen ${first.data.generationId} ${run.length} chunk${run.length === 1 ? "" : "s"}: ${quote(text, full)}${
      thinking > 0 ? ` (+${thinking} chars of thinking)` : ""
    }`,
  };
}

function isChunk(
  event: RecordedEvent<DomainEvent>,
): event is RecordedEvent<ThreadEvent & { type: "ChunkStreamed" }> {
  return event.type === "ChunkStreamed";
}

/**
 * The timeline: one line per event (revision, occurredAt, type, key data), with
 * each run of consecutive ChunkStreamed of one generation coalesced into one line.
 * Texts are quoted on one line and, unless `full`, truncated.
 */
export function formatTimeline(events: readonly RecordedEvent<DomainEvent>[], full: boolean): string[] {
  const rows: Row[] = [];
  for (let index = 0; index < events.length; index++) {
    const event = events[index] as RecordedEvent<DomainEvent>;
    if (isChunk(event)) {
      const run = [event];
      for (let next = events[index + 1]; next && isChunk(next); next = events[index + 1]) {
        if (next.data.generationId !== event.data.generationId) break;
        run.push(next);
        index++;
      }
      rows.push(chunkRow(run, full));
      continue;
    }
    rows.push({
      revision: `${event.revision}`,
      time: event.metadata.occurredAt,
      type: event.type,
      details: isThreadEvent(event)
        ? describe(event, full)
        : `not a thread event (ignored by the fold): ${quote(JSON.stringify(event.data), full)}`,
    });
  }
  const width = (pick: (row: Row) => string) => Math.max(0, ...rows.map((row) => pick(row).length));
  const revisionWidth = width((row) => row.revision);
  const typeWidth = width((row) => row.type);
  return rows.map(
    (row) =>
      `${row.revision.padStart(revisionWidth)}  ${row.time}  ${row.type.padEnd(typeWidth)}  ${row.details}`,
  );
}
