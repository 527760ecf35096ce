import type { ThreadEvent } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import { defineProjection } from "@bot/projection-runner";
import type { SqlExecutor } from "@bot/sql";
import { threadsSchemaSql } from "./schema.ts";
import { foldThreadPatches } from "./thread-patch.ts";

const UPSERT = `
  INSERT INTO threads AS t (stream, chat_id, topic_id, user_id, chat_type, title, model_id, message_count,
                            context_message_count, context_resets, first_activity_at, last_activity_at, last_revision)
  SELECT p.stream, p."chatId", p."topicId", p."userId", p."chatType", p.title, p."modelId", p.messages,
         p."contextMessages", p.resets, p."firstAt", p."lastAt", p."lastRevision"
    FROM jsonb_to_recordset($1::jsonb) AS p(
      stream text, "chatId" bigint, "topicId" bigint, "userId" bigint, "chatType" text, title text,
      "modelId" text, messages integer, "contextMessages" integer, resets integer,
      "firstAt" timestamptz, "lastAt" timestamptz, "lastRevision" bigint)
  ON CONFLICT (stream) DO UPDATE SET
    chat_type = COALESCE(EXCLUDED.chat_type, t.chat_type),
    title = CASE WHEN EXCLUDED.context_resets > 0 THEN EXCLUDED.title ELSE COALESCE(t.title, EXCLUDED.title) END,
    model_id = COALESCE(EXCLUDED.model_id, t.model_id),
    message_count = t.message_count + EXCLUDED.message_count,
    context_message_count = CASE WHEN EXCLUDED.context_resets > 0 THEN EXCLUDED.context_message_count
                                 ELSE t.context_message_count + EXCLUDED.context_message_count END,
    context_resets = t.context_resets + EXCLUDED.context_resets,
    first_activity_at = LEAST(t.first_activity_at, EXCLUDED.first_activity_at),
    last_activity_at = GREATEST(t.last_activity_at, EXCLUDED.last_activity_at),
    last_revision = GREATEST(t.last_revision, EXCLUDED.last_revision)`;

async function applyEvents(events: readonly RecordedEvent<ThreadEvent>[], tx: SqlExecutor): Promise<void> {
  const patches = foldThreadPatches(events);
  if (patches.length > 0) await tx.query(UPSERT, [JSON.stringify(patches)]);
}

/**
 * The threads read model (schema `threads`): one row per conversation with its
 * title, model override, message counts and activity times.
 */
export const threadsProjection = defineProjection<ThreadEvent>({
  name: "threads",
  version: 1,
  handles: ["MessageReceived", "ModelSelected", "ContextReset"],
  schemaSql: threadsSchemaSql,
  apply: (event, tx) => applyEvents([event], tx),
  applyBatch: applyEvents,
});
