/**
 * The files read model (v1). Unqualified names: the runner sets search_path to the
 * live schema `files` (or a rebuild schema).
 *
 * `files` has one row per thread file (FileReceived), completed by its FileDelivered;
 * `provider_files` one row per provider-side copy (FileUploaded), marked by its
 * ProviderFileDeleted: the clean-up job's work list. Kinds, sources and providers are
 * not CHECKed: the domain validates them on write, and a value added there must not stop
 * this projection before its version is bumped.
 */
export const filesSchemaSql = `
  CREATE TABLE files (
    -- A UUID the bot draws for each file, so unique across threads.
    file_id uuid PRIMARY KEY,
    stream text NOT NULL,
    chat_id bigint NOT NULL,
    topic_id bigint,
    user_id bigint NOT NULL,
    source text NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    mime_type text NOT NULL,
    size_bytes bigint NOT NULL,
    -- A user file's Telegram ids (null for tool outputs: see delivered_telegram_file_id).
    telegram_file_id text,
    telegram_file_unique_id text,
    sha256 text,
    message_id bigint,
    generation_id uuid,
    tool_use_id text,
    duration_seconds integer,
    caption text,
    -- Revision of the FileReceived event: the file's position in its thread.
    received_revision bigint NOT NULL,
    received_at timestamptz NOT NULL,
    delivered_at timestamptz,
    delivered_message_id bigint,
    delivered_as text,
    delivered_telegram_file_id text,
    delivered_caption text,
    -- Revision of the last event that changed the row.
    last_revision bigint NOT NULL,
    -- A delivery is recorded whole (its caption may be null).
    CHECK ((delivered_at IS NULL) = (delivered_message_id IS NULL)
       AND (delivered_at IS NULL) = (delivered_as IS NULL)
       AND (delivered_at IS NULL) = (delivered_telegram_file_id IS NULL))
  );
  CREATE INDEX files_stream_idx ON files (stream, received_revision);
  -- Tool outputs not yet sent to the chat (operators' "pending outputs").
  CREATE INDEX files_pending_idx ON files (received_at) WHERE source = 'assistant' AND delivered_at IS NULL;

  CREATE TABLE provider_files (
    provider text NOT NULL,
    provider_file_id text NOT NULL,
    file_id uuid NOT NULL,
    stream text NOT NULL,
    user_id bigint NOT NULL,
    uploaded_at timestamptz NOT NULL,
    -- When the provider deletes it by itself; null: kept until we delete it.
    expires_at timestamptz,
    deleted_at timestamptz,
    deleted_reason text,
    PRIMARY KEY (provider, provider_file_id),
    CHECK ((deleted_at IS NULL) = (deleted_reason IS NULL))
  );
  CREATE INDEX provider_files_file_idx ON provider_files (file_id);
  -- The clean-up job's work list: copies still believed to exist, by expiry or age.
  CREATE INDEX provider_files_live_idx ON provider_files (expires_at, uploaded_at) WHERE deleted_at IS NULL;
`;
