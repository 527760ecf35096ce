/**
 * The threads read model: one row per conversation thread. Unqualified names:
 * the runner sets search_path to the live schema `threads` (or a rebuild schema).
 */
export const threadsSchemaSql = `
  CREATE TABLE threads (
    stream text PRIMARY KEY,
    chat_id bigint NOT NULL,
    topic_id bigint,
    user_id bigint NOT NULL,
    chat_type text,
    -- First words of the first message of the current context.
    title text,
    -- Per-thread model override, null when the user's default applies.
    model_id text,
    message_count integer NOT NULL,
    context_message_count integer NOT NULL,
    context_resets integer NOT NULL,
    first_activity_at timestamptz NOT NULL,
    last_activity_at timestamptz NOT NULL,
    last_revision bigint NOT NULL
  );
  CREATE INDEX threads_user_activity_idx ON threads (user_id, last_activity_at DESC);
`;
