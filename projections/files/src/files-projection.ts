import type { RecordedEvent } from "@bot/eventstore";
import { defineProjection } from "@bot/projection-runner";
import type { SqlExecutor } from "@bot/sql";
import { FILE_EVENT_TYPES, type FileEvent, foldFileFacts } from "./file-facts.ts";
import { filesSchemaSql } from "./schema.ts";
import { writeFileFacts } from "./write-facts.ts";

/** One event and a batch take the same path (fold, then a fixed number of statements). */
async function applyEvents(events: readonly RecordedEvent<FileEvent>[], tx: SqlExecutor): Promise<void> {
  await writeFileFacts(foldFileFacts(events), tx);
}

/**
 * The files read model (schema `files`), version 1: every thread file with its
 * delivery (`files`) and every provider-side copy with its deletion (`provider_files`),
 * for file listings, operators' statistics and the provider clean-up job.
 */
export const filesProjection = defineProjection<FileEvent>({
  name: "files",
  version: 1,
  handles: [...FILE_EVENT_TYPES],
  schemaSql: filesSchemaSql,
  apply: (event, tx) => applyEvents([event], tx),
  applyBatch: applyEvents,
});
