import type { SqlExecutor } from "@bot/sql";
import type { MessageChanges } from "./message-changes.ts";
import type { ThreadPatch } from "./thread-patch.ts";

const PATCH_RECORD = `jsonb_to_recordset($1::jsonb) AS p(
  stream text, "chatId" bigint, "topicId" bigint, "userId" bigint, "chatType" text, title text,
  "modelSet" boolean, "modelId" text, messages integer, "contextMessages" integer, resets integer,
  generations integer, cost bigint, "firstAt" timestamptz, "lastAt" timestamptz, "lastRevision" bigint)`;

/** Creates the rows of threads seen for the first time; the patch is applied by UPDATE_THREADS. */
const INSERT_NEW_THREADS = `
  INSERT INTO threads (stream, chat_id, topic_id, user_id, chat_type, title, model_id, message_count,
                       context_message_count, context_resets, generation_count, open_generation_id,
                       undelivered_count, total_cost_nano, first_activity_at, last_activity_at, last_revision)
  SELECT p.stream, p."chatId", p."topicId", p."userId", NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0,
         p."firstAt", p."lastAt", p."lastRevision"
    FROM ${PATCH_RECORD}
  ON CONFLICT (stream) DO NOTHING`;

const INSERT_MESSAGES = `
  INSERT INTO messages (stream, seq, role, telegram_message_id, generation_id, text, edited, status, interrupted,
                        stop_reason, model_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                        thinking_tokens, cost_nano, estimated, delivered_at, created_at, updated_at)
  SELECT n.stream, n.seq, n.role, n."telegramMessageId", n."generationId", n.text, false, n.status, false,
         NULL, n."modelId", n.zero, n.zero, n.zero, n.zero, n.zero, n.zero, false, NULL, n.at, n.at
    FROM jsonb_to_recordset($1::jsonb) AS n(
           stream text, seq bigint, role text, "telegramMessageId" bigint, "generationId" uuid, text text,
           status text, "modelId" text, zero bigint, at timestamptz)`;

/** An edit changes the user rows of its message that existed before it (smaller seq); the latest edit wins. */
const APPLY_EDITS = `
  UPDATE messages AS m
     SET text = e.text, edited = true, updated_at = GREATEST(m.updated_at, e.at)
    FROM (SELECT target.stream, target.seq,
                 (array_agg(x.text ORDER BY x.revision DESC))[1] AS text, max(x.at) AS at
            FROM jsonb_to_recordset($1::jsonb) AS x(
                   stream text, "messageId" bigint, revision bigint, text text, at timestamptz)
            JOIN messages target
              ON target.stream = x.stream AND target.role = 'user'
             AND target.telegram_message_id = x."messageId" AND target.seq < x.revision
           GROUP BY target.stream, target.seq) AS e
   WHERE m.stream = e.stream AND m.seq = e.seq`;

/** See GenerationChange: every SET reads the row as it was before this statement. */
const APPLY_GENERATIONS = `
  UPDATE messages AS m SET
    text = CASE WHEN m.status = 'streaming' THEN m.text || g.text ELSE m.text END,
    status = CASE WHEN m.status = 'streaming' AND g.ended IS NOT NULL THEN g.ended ELSE m.status END,
    stop_reason = CASE WHEN m.status = 'streaming' AND g.ended IS NOT NULL THEN g."stopReason"
                       ELSE m.stop_reason END,
    interrupted = m.interrupted OR g."deliveryInterrupted" OR (m.status = 'streaming' AND g."endInterrupted"),
    input_tokens = m.input_tokens + g."inputTokens",
    output_tokens = m.output_tokens + g."outputTokens",
    cache_read_tokens = m.cache_read_tokens + g."cacheReadTokens",
    cache_write_tokens = m.cache_write_tokens + g."cacheWriteTokens",
    thinking_tokens = m.thinking_tokens + g."thinkingTokens",
    cost_nano = m.cost_nano + g.cost,
    estimated = m.estimated OR g.estimated,
    telegram_message_id = COALESCE(m.telegram_message_id, g."deliveredMessageId"),
    delivered_at = COALESCE(m.delivered_at, g."deliveredAt"),
    updated_at = GREATEST(m.updated_at, g."lastAt")
  FROM jsonb_to_recordset($1::jsonb) AS g(
         stream text, "generationId" uuid, text text, ended text, "endInterrupted" boolean, "stopReason" text,
         "inputTokens" bigint, "outputTokens" bigint, "cacheReadTokens" bigint, "cacheWriteTokens" bigint,
         "thinkingTokens" bigint, cost bigint, estimated boolean, "deliveredAt" timestamptz,
         "deliveredMessageId" bigint, "deliveryInterrupted" boolean, "lastAt" timestamptz)
  WHERE m.stream = g.stream AND m.generation_id = g."generationId"`;

/**
 * Applies the thread patches. The open generation and the undelivered count are
 * derived from the `messages` rows just written (partial indexes keep that cheap),
 * so they cannot drift from the answers' statuses.
 */
const UPDATE_THREADS = `
  UPDATE threads AS t SET
    chat_type = COALESCE(p."chatType", t.chat_type),
    title = CASE WHEN p.resets > 0 THEN p.title ELSE COALESCE(t.title, p.title) END,
    model_id = CASE WHEN p."modelSet" THEN p."modelId" ELSE t.model_id END,
    message_count = t.message_count + p.messages,
    context_message_count = CASE WHEN p.resets > 0 THEN p."contextMessages"
                                 ELSE t.context_message_count + p."contextMessages" END,
    context_resets = t.context_resets + p.resets,
    generation_count = t.generation_count + p.generations,
    total_cost_nano = t.total_cost_nano + p.cost,
    open_generation_id = (SELECT m.generation_id FROM messages m
                           WHERE m.stream = t.stream AND m.status = 'streaming' ORDER BY m.seq DESC LIMIT 1),
    undelivered_count = (SELECT count(*) FROM messages m
                          WHERE m.stream = t.stream AND m.status IN ('completed', 'cancelled', 'interrupted')
                            AND m.delivered_at IS NULL),
    first_activity_at = LEAST(t.first_activity_at, p."firstAt"),
    last_activity_at = GREATEST(t.last_activity_at, p."lastAt"),
    last_revision = GREATEST(t.last_revision, p."lastRevision")
  FROM ${PATCH_RECORD}
  WHERE t.stream = p.stream`;

/**
 * Writes the folded changes of a run of events: a constant number of statements
 * whatever the run's length (new threads, new messages, edits, answer changes,
 * thread rows). Unqualified names: the caller's search_path picks the schema.
 */
export async function writeThreadChanges(
  patches: readonly ThreadPatch[],
  messages: MessageChanges,
  tx: SqlExecutor,
): Promise<void> {
  if (patches.length === 0) return;
  const threads = JSON.stringify(patches);
  await tx.query(INSERT_NEW_THREADS, [threads]);
  if (messages.inserts.length > 0) await tx.query(INSERT_MESSAGES, [JSON.stringify(messages.inserts)]);
  if (messages.edits.length > 0) await tx.query(APPLY_EDITS, [JSON.stringify(messages.edits)]);
  if (messages.generations.length > 0) {
    await tx.query(APPLY_GENERATIONS, [JSON.stringify(messages.generations)]);
  }
  await tx.query(UPDATE_THREADS, [threads]);
}
