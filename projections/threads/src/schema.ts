/**
 * The threads read model (v2): one row per conversation thread in `threads`, one
 * row per user message and per answer in `messages`. Unqualified names: the runner
 * sets search_path to the live schema `threads` (or a rebuild schema).
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
    -- Per-thread model override; null when the user's default applies (never set, or removed).
    model_id text,
    message_count integer NOT NULL,
    context_message_count integer NOT NULL,
    context_resets integer NOT NULL,
    generation_count integer NOT NULL,
    -- The answer still streaming; after a crash it names the generation to interrupt.
    open_generation_id uuid,
    -- Answers that ended (not failed) but were not yet recorded as delivered to Telegram.
    undelivered_count integer NOT NULL,
    -- Sum of UsageCharged.userAmount, integer nano-USD.
    total_cost_nano bigint NOT NULL,
    first_activity_at timestamptz NOT NULL,
    last_activity_at timestamptz NOT NULL,
    last_revision bigint NOT NULL
  );
  CREATE INDEX threads_user_activity_idx ON threads (user_id, last_activity_at DESC);

  CREATE TABLE messages (
    stream text NOT NULL,
    -- Position in the thread: the revision of the MessageReceived / GenerationStarted event.
    seq bigint NOT NULL,
    role text NOT NULL CHECK (role IN ('user', 'assistant')),
    -- The user's message id; for an answer the first Telegram message it was delivered as.
    telegram_message_id bigint,
    generation_id uuid,
    -- User text (latest edit) or the answer streamed so far.
    text text NOT NULL,
    edited boolean NOT NULL,
    status text CHECK (status IN ('streaming', 'completed', 'cancelled', 'interrupted', 'failed')),
    interrupted boolean NOT NULL,
    stop_reason text,
    model_id text,
    -- Token counts and cost of an answer: sums over its UsageCharged events (null for user messages).
    input_tokens bigint,
    output_tokens bigint,
    cache_read_tokens bigint,
    cache_write_tokens bigint,
    thinking_tokens bigint,
    cost_nano bigint,
    estimated boolean NOT NULL,
    delivered_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (stream, seq),
    CHECK ((role = 'assistant') = (generation_id IS NOT NULL AND status IS NOT NULL))
  );
  CREATE INDEX messages_generation_idx ON messages (generation_id) WHERE generation_id IS NOT NULL;
  CREATE INDEX messages_user_message_idx ON messages (stream, telegram_message_id) WHERE role = 'user';
  -- Keep the per-thread derivations (open generation, undelivered answers) index-only.
  CREATE INDEX messages_streaming_idx ON messages (stream, seq) WHERE status = 'streaming';
  CREATE INDEX messages_undelivered_idx ON messages (stream)
    WHERE status IN ('completed', 'cancelled', 'interrupted') AND delivered_at IS NULL;
`;
