import type { AnyEvent, EventCodec } from "@bot/domain";
import { isUniqueViolation, migrate, type SqlClient, type SqlExecutor, sqlIdentifier } from "@bot/sql";
import { prepareAppend, type StorePolicy } from "../codec.ts";
import {
  DuplicateEventIdError,
  GlobalReadBlockedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from "../errors.ts";
import { flattenBatches, type PollPage, pollBatches, readAllByPages } from "../global-reads.ts";
import { type Position, parsePosition, START } from "../position.ts";
import type {
  AllFilter,
  AllPage,
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllPageOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeAllOptions,
} from "../types.ts";
import { Wakeup } from "../wakeup.ts";
import { AppendNotifier } from "./append-notifier.ts";
import { decodeEventRow, EVENT_COLUMNS, type EventRow } from "./event-rows.ts";
import { appendedChannel, eventLogMigrations } from "./schema.ts";

/** Options of {@link createPostgresEventStore}. */
export interface PostgresEventStoreOptions<E extends AnyEvent> {
  /** Server Postgres or PGlite. */
  readonly sql: SqlClient;
  /** Validates on write, decodes (upcasts) on read. */
  readonly codec: EventCodec<E>;
  /** Schema holding the log (default "es"). */
  readonly schema?: string;
  readonly policy?: StorePolicy;
  /** Close `sql` in {@link EventStore.close} (default false: the caller owns it). */
  readonly ownsClient?: boolean;
  /** Fallback poll for live subscribers if a NOTIFY is lost (default 1000 ms; 250 ms on PGlite). */
  readonly idlePollMs?: number;
  /** First re-poll while an older open transaction hides newer commits (default 2 ms). */
  readonly blockedPollMs?: number;
  /** Live subscribers wait this long after a wake-up to batch a burst (default 50 ms on PGlite, 10 ms on a server). */
  readonly lingerMs?: number;
  /**
   * How long a one-off global read (readAll, readAllPage, headPosition) waits for
   * transactions that were open when it started (default 10 000 ms), before
   * failing with GlobalReadBlockedError.
   */
  readonly inFlightWaitMs?: number;
  /** Called when the post-commit NOTIFY fails (subscribers then rely on their poll). */
  readonly onNotifyError?: (error: unknown) => void;
  /**
   * Test seam: runs inside the append's transaction after the rows are written and
   * before COMMIT, so tests can hold transactions open (the late-commit test).
   */
  readonly insideAppendTransaction?: (stream: string) => Promise<void>;
}

const MAX_REVISION = "9223372036854775807";
const PAGE = 500;

interface GlobalRow extends Partial<EventRow> {
  readonly horizon: string;
  readonly xmax: string;
  readonly blocked: boolean;
}

interface AppendRow {
  readonly ok: boolean;
  readonly current_revision: string;
  readonly transaction_id: string | null;
  readonly last_position: string | null;
}

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function expectedParts(expected: ExpectedRevision): [kind: string, revision: string | null] {
  if (typeof expected === "bigint") return ["exact", expected.toString()];
  return [expected, null];
}

/**
 * The event store over PostgreSQL, one implementation for server Postgres (`pg`)
 * and embedded PGlite. Creates or migrates its schema on start.
 *
 * Global order: every row records its transaction id (xid8). Global readers see
 * only rows of transactions older than the oldest still-running one
 * (`pg_snapshot_xmin(pg_current_snapshot())`) and order by (transaction id,
 * position), so a transaction that took its positions early and commits late is
 * read in its place instead of being skipped.
 */
export async function createPostgresEventStore<E extends AnyEvent>(
  options: PostgresEventStoreOptions<E>,
): Promise<EventStore<E>> {
  const { sql, codec } = options;
  const s = sqlIdentifier(options.schema ?? "es");
  const policy = options.policy ?? {};
  await migrate(sql, s, eventLogMigrations(s));

  const wakeup = new Wakeup();
  const channel = appendedChannel(s);
  const unlisten = await sql.listen(channel, () => wakeup.notify());
  const notifier = new AppendNotifier(sql, channel, options.onNotifyError);
  const polling = {
    wakeup,
    idlePollMs: options.idlePollMs ?? (sql.dialect === "pglite" ? 250 : 1000),
    blockedPollMs: options.blockedPollMs ?? 2,
    lingerMs: options.lingerMs ?? (sql.dialect === "pglite" ? 50 : 10),
  };

  const inFlightWaitMs = options.inFlightWaitMs ?? 10_000;

  const toRecorded = (row: EventRow): RecordedEvent<E> => decodeEventRow(codec, row);

  async function currentRevision(stream: string): Promise<bigint | "no_stream"> {
    const { rows } = await sql.query<{ revision: string }>(
      `SELECT revision::text AS revision FROM ${s}.streams WHERE stream = $1`,
      [stream],
    );
    return rows[0] ? BigInt(rows[0].revision) : "no_stream";
  }

  /**
   * The append was refused (expectation failed or a unique index fired). If the
   * same event ids are already stored as one append in this stream, it is a retry
   * of a write that succeeded: return its result. Otherwise explain the refusal.
   */
  async function resolveRefusedAppend(
    stream: string,
    events: readonly E[],
    expected: ExpectedRevision,
    cause?: unknown,
  ): Promise<AppendResult> {
    const ids = events.map((event) => event.metadata.eventId);
    const { rows } = await sql.query<{
      event_id: string;
      stream: string;
      revision: string;
      transaction_id: string;
      global_position: string;
    }>(
      `SELECT event_id::text AS event_id, stream, revision::text AS revision,
              transaction_id::text AS transaction_id, global_position::text AS global_position
         FROM ${s}.events
        WHERE event_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)`,
      [JSON.stringify(ids)],
    );
    if (rows.length === 0) {
      throw new WrongExpectedVersionError(stream, expected, await currentRevision(stream), { cause });
    }
    const byId = new Map(rows.map((row) => [row.event_id, row]));
    const stored = ids.map((id) => byId.get(id));
    const first = stored[0];
    const firstRevision = first ? BigInt(first.revision) : -1n;
    const sameAppend =
      stored.every(
        (row, index) => row?.stream === stream && BigInt(row.revision) === firstRevision + BigInt(index),
      ) &&
      (typeof expected !== "bigint" || firstRevision === expected + 1n) &&
      (expected !== "no_stream" || firstRevision === 0n);
    const last = stored[stored.length - 1];
    if (sameAppend && last) {
      return {
        nextRevision: BigInt(last.revision),
        position: { commit: BigInt(last.transaction_id), prepare: BigInt(last.global_position) },
      };
    }
    throw new DuplicateEventIdError(
      stream,
      rows.map((row) => row.event_id),
      `already stored at ${rows.map((row) => `${row.stream}@${row.revision}`).join(", ")}`,
      { cause },
    );
  }

  async function append(
    stream: string,
    events: readonly E[],
    appendOptions: AppendOptions,
  ): Promise<AppendResult> {
    const encoded = prepareAppend(codec, policy, stream, events, appendOptions);
    const [kind, revision] = expectedParts(appendOptions.expectedRevision);
    const payload = JSON.stringify(
      encoded.map((event) => ({
        id: event.metadata.eventId,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      })),
    );
    const statement = `SELECT ok, current_revision::text AS current_revision, transaction_id, last_position::text AS last_position
                         FROM ${s}.append_events($1, $2, $3::bigint, $4::jsonb)`;
    const params = [stream, kind, revision, payload];
    const run = async (executor: SqlExecutor) => {
      const { rows } = await executor.query<AppendRow>(statement, params);
      const row = rows[0];
      if (!row) throw new Error("append_events returned no row");
      if (row.ok && options.insideAppendTransaction) await options.insideAppendTransaction(stream);
      return row;
    };
    let row: AppendRow;
    try {
      row = options.insideAppendTransaction ? await sql.transaction(run) : await run(sql);
    } catch (error) {
      if (isUniqueViolation(error))
        return resolveRefusedAppend(stream, encoded, appendOptions.expectedRevision, error);
      throw error;
    }
    if (!row.ok || row.transaction_id === null || row.last_position === null) {
      return resolveRefusedAppend(stream, encoded, appendOptions.expectedRevision);
    }
    wakeup.notify();
    notifier.poke();
    return {
      nextRevision: BigInt(row.current_revision),
      position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.last_position) },
    };
  }

  async function* readStream(
    stream: string,
    readOptions: ReadStreamOptions = {},
  ): AsyncGenerator<RecordedEvent<E>> {
    const backwards = readOptions.direction === "backwards";
    const from = readOptions.fromRevision ?? (backwards ? "end" : "start");
    let cursor = from === "start" ? "0" : from === "end" ? MAX_REVISION : from.toString();
    if (from === "start" && backwards) cursor = "0";
    let remaining = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    let first = true;
    while (remaining > 0) {
      const limit = Math.min(PAGE, remaining);
      // The stream row comes along (no events: one row of NULLs; no stream: no row), so
      // telling "empty range" from "no such stream" costs no second round trip.
      const { rows: joined } = await sql.query<EventRow | { revision: null }>(
        `SELECT ${EVENT_COLUMNS}
           FROM ${s}.streams st
           LEFT JOIN LATERAL (
                SELECT * FROM ${s}.events e
                 WHERE e.stream = st.stream AND e.revision ${backwards ? "<=" : ">="} $2::bigint
                 ORDER BY e.revision ${backwards ? "DESC" : "ASC"}
                 LIMIT $3) e ON true
          WHERE st.stream = $1
          ORDER BY e.revision ${backwards ? "DESC" : "ASC"}`,
        [stream, cursor, limit],
      );
      if (first && joined.length === 0) throw new StreamNotFoundError(stream);
      const rows = joined.filter((row): row is EventRow => row.revision !== null);
      first = false;
      for (const row of rows) {
        yield toRecorded(row);
        remaining--;
      }
      const last = rows[rows.length - 1];
      if (rows.length < limit || !last) return;
      const lastRevision = BigInt(last.revision);
      if (backwards && lastRevision === 0n) return;
      cursor = (backwards ? lastRevision - 1n : lastRevision + 1n).toString();
    }
  }

  function filterClauses(filter: AllFilter | undefined, params: unknown[]): string {
    let clauses = "";
    if (filter?.streamPrefixes) {
      params.push(JSON.stringify(filter.streamPrefixes.map(likePrefix)));
      clauses += ` AND e.stream LIKE ANY (ARRAY(SELECT jsonb_array_elements_text($${params.length}::jsonb)))`;
    }
    if (filter?.eventTypes) {
      params.push(JSON.stringify(filter.eventTypes));
      clauses += ` AND e.type IN (SELECT jsonb_array_elements_text($${params.length}::jsonb))`;
    }
    return clauses;
  }

  /** One global page as the database sees it now, with the snapshot bounds it was read under. */
  async function queryPage(pageOptions: ReadAllPageOptions) {
    const maxCount = Math.max(1, Math.min(10_000, Math.floor(pageOptions.maxCount)));
    const after = pageOptions.after ?? START;
    const params: unknown[] = [maxCount];
    let afterClause = "";
    if (after.commit >= 0n) {
      params.push(after.commit.toString(), after.prepare.toString());
      afterClause = ` AND (e.transaction_id, e.global_position) > ($2::text::xid8, $3::bigint)`;
    }
    const filters = filterClauses(pageOptions.filter, params);
    const { rows } = await sql.query<GlobalRow>(
      `WITH snapshot AS MATERIALIZED (
         SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin, pg_snapshot_xmax(pg_current_snapshot()) AS xmax
       ), horizon AS MATERIALIZED (
         -- blocked: a committed row is hidden because an older transaction is still open.
         -- The newest transaction id comes from the index, scanned backwards (one row).
         SELECT s.xmin, s.xmax, COALESCE(
                  (SELECT b.transaction_id FROM ${s}.events b ORDER BY b.transaction_id DESC LIMIT 1) >= s.xmin,
                  false) AS blocked
           FROM snapshot s
       ), page AS (
         SELECT e.transaction_id, e.global_position, e.stream, e.revision, e.type, e.data, e.metadata, e.recorded_at
           FROM ${s}.events e
          WHERE e.transaction_id < (SELECT xmin FROM horizon)${afterClause}${filters}
          ORDER BY e.transaction_id, e.global_position
          LIMIT $1
       )
       SELECT h.xmin::text AS horizon, h.xmax::text AS xmax, h.blocked,
              p.transaction_id::text AS transaction_id, p.global_position::text AS global_position, p.stream,
              p.revision::text AS revision, p.type, p.data, p.metadata, p.recorded_at
         FROM horizon h LEFT JOIN page p ON true
        ORDER BY p.transaction_id, p.global_position`,
      params,
    );
    const head = rows[0];
    if (!head) throw new Error("global read returned no horizon row");
    const events: RecordedEvent<E>[] = [];
    for (const row of rows) {
      if (row.transaction_id !== null && row.transaction_id !== undefined)
        events.push(toRecorded(row as EventRow));
    }
    const lastEvent = events[events.length - 1];
    const scannedAll = events.length < maxCount;
    let next: Position = lastEvent ? lastEvent.position : after;
    if (scannedAll) {
      // Everything below the horizon was scanned: continue after it.
      const scanned: Position = { commit: BigInt(head.horizon) - 1n, prepare: BigInt(MAX_REVISION) };
      if (
        scanned.commit > next.commit ||
        (scanned.commit === next.commit && scanned.prepare > next.prepare)
      ) {
        next = scanned;
      }
    }
    return {
      events,
      next,
      scannedAll,
      blocked: head.blocked,
      xmin: BigInt(head.horizon),
      xmax: BigInt(head.xmax),
    };
  }

  /**
   * A global page. Live subscriptions take what is visible now (`waitForInFlight`
   * false) and re-poll while blocked. One-off reads (readAll, readAllPage) also see
   * every event committed before the call: if such events hide behind a
   * transaction that was open when the call started, they wait for it to end.
   */
  async function readPage(pageOptions: ReadAllPageOptions, waitForInFlight = false): Promise<PollPage<E>> {
    const deadline = Date.now() + inFlightWaitMs;
    let delay = 1;
    let callStart: bigint | null = null;
    for (;;) {
      const page = await queryPage(pageOptions);
      callStart ??= page.xmax;
      const settled = !page.scannedAll || !page.blocked || page.xmin >= callStart;
      if (settled || !waitForInFlight) {
        return {
          page: { events: page.events, next: page.next, isEnd: page.scannedAll },
          blocked: page.blocked,
        };
      }
      if (page.events.length > 0) {
        return { page: { events: page.events, next: page.next, isEnd: false }, blocked: page.blocked };
      }
      if (Date.now() >= deadline) throw new GlobalReadBlockedError(page.xmin, inFlightWaitMs);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 50);
    }
  }

  const readAllPage = async (pageOptions: ReadAllPageOptions): Promise<AllPage<E>> =>
    (await readPage(pageOptions, true)).page;
  const subscribeAllBatches = (subscribeOptions: SubscribeAllOptions) =>
    pollBatches(readPage, polling, subscribeOptions);

  return {
    append,
    readStream,
    readAll: (readOptions) => readAllByPages(readAllPage, readOptions),
    readAllPage,
    subscribeAll: (subscribeOptions) => flattenBatches(subscribeAllBatches(subscribeOptions)),
    subscribeAllBatches,
    async headPosition() {
      // The newest event visible to global readers, after waiting (like readAll)
      // for transactions that were open when the call started.
      const deadline = Date.now() + inFlightWaitMs;
      let delay = 1;
      let callStart: bigint | null = null;
      for (;;) {
        const { rows } = await sql.query<{
          xmin: string;
          xmax: string;
          blocked: boolean;
          last: string | null;
        }>(
          `WITH snapshot AS MATERIALIZED (
             SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin, pg_snapshot_xmax(pg_current_snapshot()) AS xmax
           )
           SELECT s.xmin::text AS xmin, s.xmax::text AS xmax,
                  COALESCE((SELECT b.transaction_id FROM ${s}.events b ORDER BY b.transaction_id DESC LIMIT 1) >= s.xmin,
                           false) AS blocked,
                  (SELECT e.transaction_id::text || '/' || e.global_position::text
                     FROM ${s}.events e
                    WHERE e.transaction_id < s.xmin
                    ORDER BY e.transaction_id DESC, e.global_position DESC
                    LIMIT 1) AS last
             FROM snapshot s`,
        );
        const row = rows[0];
        if (!row) throw new Error("head query returned no row");
        callStart ??= BigInt(row.xmax);
        if (!row.blocked || BigInt(row.xmin) >= callStart) return row.last ? parsePosition(row.last) : null;
        if (Date.now() >= deadline) throw new GlobalReadBlockedError(BigInt(row.xmin), inFlightWaitMs);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 50);
      }
    },
    async close() {
      wakeup.notify();
      await notifier.idle();
      await unlisten();
      if (options.ownsClient) await sql.close();
    },
  };
}
