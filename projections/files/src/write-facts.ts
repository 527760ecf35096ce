import type { SqlExecutor } from "@bot/sql";
import type { FileFacts } from "./file-facts.ts";

/** The first FileReceived of a file id makes its row; a duplicate inserts nothing. */
const INSERT_FILES = `
  INSERT INTO files (file_id, stream, chat_id, topic_id, user_id, source, kind, name, mime_type, size_bytes,
                     telegram_file_id, telegram_file_unique_id, sha256, message_id, generation_id, tool_use_id,
                     duration_seconds, caption, received_revision, received_at, last_revision)
  SELECT "fileId", stream, "chatId", "topicId", "userId", source, kind, name, "mimeType", "sizeBytes",
         "telegramFileId", "telegramFileUniqueId", sha256, "messageId", "generationId", "toolUseId",
         "durationSeconds", caption, revision, at, revision
    FROM jsonb_to_recordset($1::jsonb) AS f(
      "fileId" uuid, stream text, "chatId" bigint, "topicId" bigint, "userId" bigint, source text, kind text,
      name text, "mimeType" text, "sizeBytes" bigint, "telegramFileId" text, "telegramFileUniqueId" text,
      sha256 text, "messageId" bigint, "generationId" uuid, "toolUseId" text, "durationSeconds" integer,
      caption text, revision bigint, at timestamptz)
  ON CONFLICT (file_id) DO NOTHING`;

/**
 * The first delivery of a file wins (the domain records one): a redelivered event finds
 * the row delivered and changes nothing. Runs after INSERT_FILES, so a file received and
 * delivered in the same batch gets both. The stream must match: a file id is only
 * meaningful in its thread.
 */
const APPLY_DELIVERIES = `
  UPDATE files AS f SET
    delivered_at = d.at,
    delivered_message_id = d."telegramMessageId",
    delivered_as = d."sentAs",
    delivered_telegram_file_id = d."telegramFileId",
    delivered_caption = d.caption,
    last_revision = GREATEST(f.last_revision, d.revision)
    FROM jsonb_to_recordset($1::jsonb) AS d(
      "fileId" uuid, stream text, "telegramMessageId" bigint, "telegramFileId" text, "sentAs" text,
      caption text, revision bigint, at timestamptz)
   WHERE f.file_id = d."fileId" AND f.stream = d.stream AND f.delivered_at IS NULL`;

/** One row per provider copy; a duplicate FileUploaded (even after the deletion) changes nothing. */
const INSERT_UPLOADS = `
  INSERT INTO provider_files (provider, provider_file_id, file_id, stream, user_id, uploaded_at, expires_at)
  SELECT provider, "providerFileId", "fileId", stream, "userId", at, "expiresAt"
    FROM jsonb_to_recordset($1::jsonb) AS u(
      provider text, "providerFileId" text, "fileId" uuid, stream text, "userId" bigint,
      "expiresAt" timestamptz, at timestamptz)
  ON CONFLICT (provider, provider_file_id) DO NOTHING`;

/** The first deletion wins; runs after INSERT_UPLOADS so an upload and its deletion may share a batch. */
const APPLY_DELETIONS = `
  UPDATE provider_files AS p SET deleted_at = d.at, deleted_reason = d.reason
    FROM jsonb_to_recordset($1::jsonb) AS d(provider text, "providerFileId" text, reason text, at timestamptz)
   WHERE p.provider = d.provider AND p.provider_file_id = d."providerFileId" AND p.deleted_at IS NULL`;

/** Writes one batch's facts with at most four statements, whatever the batch size. */
export async function writeFileFacts(facts: FileFacts, tx: SqlExecutor): Promise<void> {
  if (facts.received.length > 0) await tx.query(INSERT_FILES, [JSON.stringify(facts.received)]);
  if (facts.deliveries.length > 0) await tx.query(APPLY_DELIVERIES, [JSON.stringify(facts.deliveries)]);
  if (facts.uploads.length > 0) await tx.query(INSERT_UPLOADS, [JSON.stringify(facts.uploads)]);
  if (facts.deletions.length > 0) await tx.query(APPLY_DELETIONS, [JSON.stringify(facts.deletions)]);
}
