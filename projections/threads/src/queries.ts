import { isoTime, type SqlExecutor, sqlIdentifier } from "@bot/sql";

/** A row of the threads read model (`threads` table). */
export interface ThreadRow {
  readonly stream: string;
  readonly chatId: number;
  readonly topicId: number | null;
  readonly userId: number;
  readonly chatType: string | null;
  readonly title: string | null;
  readonly modelId: string | null;
  readonly messageCount: number;
  readonly contextMessageCount: number;
  readonly contextResets: number;
  readonly generationCount: number;
  /** The generation still streaming, null when none (one open at a crash must be interrupted). */
  readonly openGenerationId: string | null;
  /** Answers that ended but were not yet recorded as delivered. */
  readonly undeliveredCount: number;
  /** What the user was charged in this thread, integer nano-USD. */
  readonly totalCostNano: bigint;
  readonly firstActivityAt: string;
  readonly lastActivityAt: string;
  readonly lastRevision: bigint;
}

interface RawThreadRow {
  stream: string;
  chat_id: string;
  topic_id: string | null;
  user_id: string;
  chat_type: string | null;
  title: string | null;
  model_id: string | null;
  message_count: number;
  context_message_count: number;
  context_resets: number;
  generation_count: number;
  open_generation_id: string | null;
  undelivered_count: number;
  total_cost_nano: string;
  first_activity_at: Date | string;
  last_activity_at: Date | string;
  last_revision: string;
}

const COLUMNS = `stream, chat_id::text AS chat_id, topic_id::text AS topic_id, user_id::text AS user_id, chat_type,
  title, model_id, message_count, context_message_count, context_resets, generation_count,
  open_generation_id::text AS open_generation_id, undelivered_count, total_cost_nano::text AS total_cost_nano,
  first_activity_at, last_activity_at, last_revision::text AS last_revision`;

function toThreadRow(raw: RawThreadRow): ThreadRow {
  return {
    stream: raw.stream,
    chatId: Number(raw.chat_id),
    topicId: raw.topic_id === null ? null : Number(raw.topic_id),
    userId: Number(raw.user_id),
    chatType: raw.chat_type,
    title: raw.title,
    modelId: raw.model_id,
    messageCount: raw.message_count,
    contextMessageCount: raw.context_message_count,
    contextResets: raw.context_resets,
    generationCount: raw.generation_count,
    openGenerationId: raw.open_generation_id,
    undeliveredCount: raw.undelivered_count,
    totalCostNano: BigInt(raw.total_cost_nano),
    firstActivityAt: isoTime(raw.first_activity_at),
    lastActivityAt: isoTime(raw.last_activity_at),
    lastRevision: BigInt(raw.last_revision),
  };
}

/** Reads one thread by stream name from the live schema (`schema` overrides it in tests). */
export async function findThread(
  sql: SqlExecutor,
  stream: string,
  schema = "threads",
): Promise<ThreadRow | null> {
  const { rows } = await sql.query<RawThreadRow>(
    `SELECT ${COLUMNS} FROM ${sqlIdentifier(schema)}.threads WHERE stream = $1`,
    [stream],
  );
  return rows[0] ? toThreadRow(rows[0]) : null;
}

/** A user's threads, most recently active first. */
export async function listUserThreads(
  sql: SqlExecutor,
  userId: number,
  options: { limit?: number; schema?: string } = {},
): Promise<ThreadRow[]> {
  const { rows } = await sql.query<RawThreadRow>(
    `SELECT ${COLUMNS} FROM ${sqlIdentifier(options.schema ?? "threads")}.threads
      WHERE user_id = $1 ORDER BY last_activity_at DESC, stream LIMIT $2`,
    [userId, options.limit ?? 50],
  );
  return rows.map(toThreadRow);
}

/** Every thread row ordered by stream (tests and audits). */
export async function listAllThreads(sql: SqlExecutor, schema = "threads"): Promise<ThreadRow[]> {
  const { rows } = await sql.query<RawThreadRow>(
    `SELECT ${COLUMNS} FROM ${sqlIdentifier(schema)}.threads ORDER BY stream`,
  );
  return rows.map(toThreadRow);
}
