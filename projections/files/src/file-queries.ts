import type { FileKind } from "@bot/domain";
import { isoTime, type SqlExecutor, sqlIdentifier } from "@bot/sql";
import { LIVE_SCHEMA } from "./live-schema.ts";
import { isUuid } from "./uuid.ts";

/** How a tool output reached the chat. */
export interface FileDeliveryRow {
  readonly at: string;
  readonly telegramMessageId: number;
  readonly sentAs: "photo" | "document";
  readonly telegramFileId: string;
  readonly caption: string | null;
}

/** A thread file: a user's, or a tool's output (pending while `delivery` is null). */
export interface FileRow {
  readonly fileId: string;
  readonly stream: string;
  readonly chatId: number;
  readonly topicId: number | null;
  readonly userId: number;
  readonly source: "user" | "assistant";
  readonly kind: FileKind;
  readonly name: string;
  readonly mimeType: string;
  readonly sizeBytes: number;
  readonly telegramFileId: string | null;
  readonly telegramFileUniqueId: string | null;
  readonly sha256: string | null;
  readonly messageId: number | null;
  readonly generationId: string | null;
  readonly toolUseId: string | null;
  readonly durationSeconds: number | null;
  readonly caption: string | null;
  /** The file's position in its thread (revision of its FileReceived). */
  readonly receivedRevision: bigint;
  readonly receivedAt: string;
  readonly delivery: FileDeliveryRow | null;
  readonly lastRevision: bigint;
}

interface RawFileRow {
  file_id: string;
  stream: string;
  chat_id: string;
  topic_id: string | null;
  user_id: string;
  source: "user" | "assistant";
  kind: FileKind;
  name: string;
  mime_type: string;
  size_bytes: string;
  telegram_file_id: string | null;
  telegram_file_unique_id: string | null;
  sha256: string | null;
  message_id: string | null;
  generation_id: string | null;
  tool_use_id: string | null;
  duration_seconds: number | null;
  caption: string | null;
  received_revision: string;
  received_at: Date | string;
  delivered_at: Date | string | null;
  delivered_message_id: string | null;
  delivered_as: "photo" | "document" | null;
  delivered_telegram_file_id: string | null;
  delivered_caption: string | null;
  last_revision: string;
}

// Bigints as text: the drivers disagree on how they return them.
const FILE_COLUMNS = `file_id::text AS file_id, stream, chat_id::text AS chat_id, topic_id::text AS topic_id,
  user_id::text AS user_id, source, kind, name, mime_type, size_bytes::text AS size_bytes, telegram_file_id,
  telegram_file_unique_id, sha256, message_id::text AS message_id, generation_id::text AS generation_id,
  tool_use_id, duration_seconds, caption, received_revision::text AS received_revision, received_at,
  delivered_at, delivered_message_id::text AS delivered_message_id, delivered_as, delivered_telegram_file_id,
  delivered_caption, last_revision::text AS last_revision`;

const numberOrNull = (value: string | null): number | null => (value === null ? null : Number(value));

function toDelivery(raw: RawFileRow): FileDeliveryRow | null {
  const { delivered_at: at, delivered_message_id: messageId, delivered_as: sentAs } = raw;
  // The table's CHECK sets these together; checking each narrows the types.
  if (at === null || messageId === null || sentAs === null || raw.delivered_telegram_file_id === null)
    return null;
  return {
    at: isoTime(at),
    telegramMessageId: Number(messageId),
    sentAs,
    telegramFileId: raw.delivered_telegram_file_id,
    caption: raw.delivered_caption,
  };
}

function toFile(raw: RawFileRow): FileRow {
  return {
    fileId: raw.file_id,
    stream: raw.stream,
    chatId: Number(raw.chat_id),
    topicId: numberOrNull(raw.topic_id),
    userId: Number(raw.user_id),
    source: raw.source,
    kind: raw.kind,
    name: raw.name,
    mimeType: raw.mime_type,
    sizeBytes: Number(raw.size_bytes),
    telegramFileId: raw.telegram_file_id,
    telegramFileUniqueId: raw.telegram_file_unique_id,
    sha256: raw.sha256,
    messageId: numberOrNull(raw.message_id),
    generationId: raw.generation_id,
    toolUseId: raw.tool_use_id,
    durationSeconds: raw.duration_seconds,
    caption: raw.caption,
    receivedRevision: BigInt(raw.received_revision),
    receivedAt: isoTime(raw.received_at),
    delivery: toDelivery(raw),
    lastRevision: BigInt(raw.last_revision),
  };
}

/** The files of a thread, in the order they entered it. */
export async function listThreadFiles(
  sql: SqlExecutor,
  stream: string,
  schema = LIVE_SCHEMA,
): Promise<FileRow[]> {
  const { rows } = await sql.query<RawFileRow>(
    // Qualified: the bare name would sort by the text column of the same name in the output.
    `SELECT ${FILE_COLUMNS} FROM ${sqlIdentifier(schema)}.files WHERE stream = $1 ORDER BY files.received_revision`,
    [stream],
  );
  return rows.map(toFile);
}

/** One file by its id, or null when the read model has never heard of it (or it is no UUID). */
export async function findFile(
  sql: SqlExecutor,
  fileId: string,
  schema = LIVE_SCHEMA,
): Promise<FileRow | null> {
  if (!isUuid(fileId)) return null;
  const { rows } = await sql.query<RawFileRow>(
    `SELECT ${FILE_COLUMNS} FROM ${sqlIdentifier(schema)}.files WHERE file_id = $1::uuid`,
    [fileId],
  );
  return rows[0] ? toFile(rows[0]) : null;
}
