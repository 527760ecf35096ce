import { type ThreadEvent, threadEventDefinitions } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";
import { defineProjection } from "@bot/projection-runner";
import type { SqlExecutor } from "@bot/sql";
import { foldMessageChanges } from "./message-changes.ts";
import { threadsSchemaSql } from "./schema.ts";
import { foldThreadPatches } from "./thread-patch.ts";
import { writeThreadChanges } from "./write-changes.ts";

/**
 * One event and a batch take the same path: fold in memory, then write with a
 * fixed number of statements. That is what keeps `applyBatch` equal to `apply`
 * one by one (property-tested) while a catch-up writes each batch at once.
 */
async function applyEvents(events: readonly RecordedEvent<ThreadEvent>[], tx: SqlExecutor): Promise<void> {
  await writeThreadChanges(foldThreadPatches(events), foldMessageChanges(events), tx);
}

/**
 * The threads read model (schema `threads`), version 2: one `threads` row per
 * conversation (title, model override, counts, open generation, undelivered
 * answers, cost, activity) and one `messages` row per user message and answer.
 */
export const threadsProjection = defineProjection<ThreadEvent>({
  name: "threads",
  version: 2,
  // Every thread event: the fold's switches fail to compile when a type is added.
  handles: threadEventDefinitions.map((definition) => definition.type),
  schemaSql: threadsSchemaSql,
  apply: (event, tx) => applyEvents([event], tx),
  applyBatch: applyEvents,
});
