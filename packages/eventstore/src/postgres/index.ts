export * from "./event-rows.ts";
export * from "./postgres-event-store.ts";
export { appendedChannel, eventLogMigrations } from "./schema.ts";
