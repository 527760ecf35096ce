import type { Migration } from "@bot/sql";

/** NOTIFY channel that wakes subscribers of the event log in `schema`. */
export function appendedChannel(schema: string): string {
  return `${schema}_appended`.slice(0, 63);
}

/**
 * The event log's tables, in schema `s`:
 *
 * - `events`: one row per event. `global_position` is a sequence number taken at
 *   insert; `transaction_id` (xid8) is the writing transaction. UNIQUE(stream,
 *   revision) is the optimistic concurrency check of last resort; UNIQUE(event_id)
 *   makes retried appends idempotent.
 * - `streams`: the current revision per stream. Appenders lock its row FOR UPDATE,
 *   so writers of one stream queue up and the loser sees the winner's revision.
 * - `append_events(...)`: the whole append in one round trip.
 *
 * The function does not NOTIFY: a NOTIFY inside the appending transaction takes a
 * database-wide lock at commit and serialises every committing appender (measured:
 * no throughput gain from 1 to 8 writers). Appenders notify after commit instead,
 * coalesced ({@link appendedChannel}).
 */
export function eventLogMigrations(s: string): Migration[] {
  return [
    {
      version: 1,
      name: "event log",
      sql: `
        CREATE TABLE ${s}.streams (
          stream text PRIMARY KEY,
          revision bigint NOT NULL CHECK (revision >= 0)
        );

        CREATE TABLE ${s}.events (
          global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
          stream text NOT NULL,
          revision bigint NOT NULL CHECK (revision >= 0),
          event_id uuid NOT NULL,
          type text NOT NULL,
          data jsonb NOT NULL,
          metadata jsonb NOT NULL,
          recorded_at timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT events_stream_revision_key UNIQUE (stream, revision),
          CONSTRAINT events_event_id_key UNIQUE (event_id)
        );

        -- Global readers scan in (transaction_id, global_position) order.
        CREATE INDEX events_global_order_idx ON ${s}.events (transaction_id, global_position);

        -- p_expected_kind: 'any' | 'no_stream' | 'stream_exists' | 'exact' (then p_expected).
        -- Returns ok = false with the current revision (-1: no stream) when the
        -- expectation fails; otherwise the new revision, the transaction id and the
        -- last global position.
        CREATE FUNCTION ${s}.append_events(
          p_stream text, p_expected_kind text, p_expected bigint, p_events jsonb
        ) RETURNS TABLE (ok boolean, current_revision bigint, transaction_id text, last_position bigint)
        LANGUAGE plpgsql AS $fn$
        DECLARE
          v_current bigint;
          v_exists boolean;
          v_count integer;
          v_last bigint;
        BEGIN
          SELECT s.revision INTO v_current FROM ${s}.streams s WHERE s.stream = p_stream FOR UPDATE;
          v_exists := FOUND;
          IF (p_expected_kind = 'no_stream' AND v_exists)
             OR (p_expected_kind = 'stream_exists' AND NOT v_exists)
             OR (p_expected_kind = 'exact' AND (NOT v_exists OR v_current <> p_expected)) THEN
            RETURN QUERY SELECT false, COALESCE(v_current, -1::bigint), NULL::text, NULL::bigint;
            RETURN;
          END IF;
          v_current := COALESCE(v_current, -1);
          v_count := jsonb_array_length(p_events);

          WITH inserted AS (
            INSERT INTO ${s}.events (stream, revision, event_id, type, data, metadata)
            SELECT p_stream, v_current + e.ordinal, (e.value->>'id')::uuid, e.value->>'type',
                   e.value->'data', e.value->'metadata'
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ordinal)
            RETURNING global_position
          )
          SELECT max(global_position) INTO v_last FROM inserted;

          IF v_exists THEN
            UPDATE ${s}.streams SET revision = v_current + v_count WHERE stream = p_stream;
          ELSE
            INSERT INTO ${s}.streams (stream, revision) VALUES (p_stream, v_current + v_count);
          END IF;

          RETURN QUERY SELECT true, v_current + v_count, pg_current_xact_id()::text, v_last;
        END
        $fn$;
      `,
    },
  ];
}
