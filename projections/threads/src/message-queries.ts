import { isoTime, type SqlExecutor, sqlIdentifier } from "@bot/sql";
import type { AnswerStatus } from "./message-changes.ts";

/** A row of the `messages` table: a user message or an answer of the model. */
export interface MessageRow {
  readonly stream: string;
  /** Position in the thread (the revision of the MessageReceived / GenerationStarted). */
  readonly seq: bigint;
  readonly role: "user" | "assistant";
  /** The user's Telegram message; for an answer the first message it was delivered as (null until then). */
  readonly telegramMessageId: number | null;
  readonly generationId: string | null;
  /** The user's text (latest edit) or the answer's streamed text. */
  readonly text: string;
  readonly edited: boolean;
  /** Answers only. */
  readonly status: AnswerStatus | null;
  /** The answer was cut short (cancelled, interrupted, or delivered as interrupted). */
  readonly interrupted: boolean;
  readonly stopReason: string | null;
  /** The model asked for (GenerationStarted.modelId). */
  readonly modelId: string | null;
  /** Sums over the answer's charges; null for user messages. */
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number | null;
  /** 5-minute plus 1-hour cache writes. */
  readonly cacheWriteTokens: number | null;
  readonly thinkingTokens: number | null;
  /** What the user was charged for the answer, integer nano-USD; null for user messages. */
  readonly costNano: bigint | null;
  /** At least one charge was estimated from the text (the stream gave no usage). */
  readonly estimated: boolean;
  readonly deliveredAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface RawMessageRow {
  stream: string;
  seq: string;
  role: "user" | "assistant";
  telegram_message_id: string | null;
  generation_id: string | null;
  text: string;
  edited: boolean;
  status: AnswerStatus | null;
  interrupted: boolean;
  stop_reason: string | null;
  model_id: string | null;
  input_tokens: string | null;
  output_tokens: string | null;
  cache_read_tokens: string | null;
  cache_write_tokens: string | null;
  thinking_tokens: string | null;
  cost_nano: string | null;
  estimated: boolean;
  delivered_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

// bigint columns as text: pg returns int8 as strings, PGlite as bigint; text is the same on both.
const COLUMNS = `stream, seq::text AS seq, role, telegram_message_id::text AS telegram_message_id,
  generation_id::text AS generation_id, text, edited, status, interrupted, stop_reason, model_id,
  input_tokens::text AS input_tokens, output_tokens::text AS output_tokens,
  cache_read_tokens::text AS cache_read_tokens, cache_write_tokens::text AS cache_write_tokens,
  thinking_tokens::text AS thinking_tokens, cost_nano::text AS cost_nano, estimated, delivered_at,
  created_at, updated_at`;

const count = (value: string | null) => (value === null ? null : Number(value));

function toMessageRow(raw: RawMessageRow): MessageRow {
  return {
    stream: raw.stream,
    seq: BigInt(raw.seq),
    role: raw.role,
    telegramMessageId: count(raw.telegram_message_id),
    generationId: raw.generation_id,
    text: raw.text,
    edited: raw.edited,
    status: raw.status,
    interrupted: raw.interrupted,
    stopReason: raw.stop_reason,
    modelId: raw.model_id,
    inputTokens: count(raw.input_tokens),
    outputTokens: count(raw.output_tokens),
    cacheReadTokens: count(raw.cache_read_tokens),
    cacheWriteTokens: count(raw.cache_write_tokens),
    thinkingTokens: count(raw.thinking_tokens),
    costNano: raw.cost_nano === null ? null : BigInt(raw.cost_nano),
    estimated: raw.estimated,
    deliveredAt: raw.delivered_at === null ? null : isoTime(raw.delivered_at),
    createdAt: isoTime(raw.created_at),
    updatedAt: isoTime(raw.updated_at),
  };
}

/** Options of {@link listMessages}. */
export interface ListMessagesOptions {
  /** Schema to read (default the live `threads`). */
  readonly schema?: string;
  /** At most this many messages (default 100). */
  readonly limit?: number;
  /** Only messages before this position (exclusive): pass the first `seq` of a page to get the one before. */
  readonly before?: bigint;
}

/**
 * The latest messages of a thread, oldest first: up to `limit` messages with
 * `seq < before`. Page backwards through a long thread by passing the first
 * row's `seq` as the next `before`.
 */
export async function listMessages(
  sql: SqlExecutor,
  stream: string,
  options: ListMessagesOptions = {},
): Promise<MessageRow[]> {
  const params: unknown[] = [stream, options.limit ?? 100];
  let before = "";
  if (options.before !== undefined) {
    params.push(options.before.toString());
    before = " AND seq < $3::bigint";
  }
  const { rows } = await sql.query<RawMessageRow>(
    `SELECT * FROM (
       SELECT ${COLUMNS} FROM ${sqlIdentifier(options.schema ?? "threads")}.messages
        WHERE stream = $1${before} ORDER BY messages.seq DESC LIMIT $2
     ) AS latest ORDER BY latest.seq::bigint`,
    params,
  );
  return rows.map(toMessageRow);
}
