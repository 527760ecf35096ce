import { type DomainEvent, domainEvents } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import { decodeEventRow, EVENT_COLUMNS, type EventRow } from "@bot/eventstore/postgres";
import { type SqlClient, sqlIdentifier } from "@bot/sql";
import type { ThreadEventSource } from "./thread-replay.ts";

const PAGE = 1000;

/**
 * Reads streams of the SQL event log (server Postgres or PGlite) in READ ONLY
 * transactions, decoding like the adapter (same codec, same positions).
 *
 * Why not the adapter itself: `createPostgresEventStore` migrates its schema on
 * open (CREATE SCHEMA/TABLE, possibly a newer migration) and LISTENs; a replay
 * must not write anything, and must work with a read-only database role.
 */
export function sqlEventSource(sql: SqlClient, schema: string): ThreadEventSource {
  const s = sqlIdentifier(schema);
  return {
    async *readStream(stream: string): AsyncGenerator<RecordedEvent<DomainEvent>> {
      let from = 0n;
      for (;;) {
        const rows = await sql.transaction(async (tx) => {
          await tx.query("SET TRANSACTION READ ONLY");
          const table = await tx.query<{ present: boolean }>(
            "SELECT to_regclass($1) IS NOT NULL AS present",
            [`${s}.events`],
          );
          // No log yet (a store never started): no events, and nothing is created.
          if (!table.rows[0]?.present) return [];
          const page = await tx.query<EventRow>(
            // Qualified: a bare "revision" in ORDER BY would sort the text alias ("10" < "9").
            `SELECT ${EVENT_COLUMNS}
               FROM ${s}.events e WHERE e.stream = $1 AND e.revision >= $2::bigint
              ORDER BY e.revision LIMIT $3`,
            [stream, from.toString(), PAGE],
          );
          return page.rows;
        });
        for (const row of rows) yield decodeEventRow(domainEvents, row);
        const last = rows[rows.length - 1];
        if (rows.length < PAGE || !last) return;
        from = BigInt(last.revision) + 1n;
      }
    },
  };
}
