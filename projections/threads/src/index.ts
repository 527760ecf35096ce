export * from "./message-changes.ts";
export * from "./message-queries.ts";
export * from "./queries.ts";
export * from "./schema.ts";
export * from "./thread-patch.ts";
export * from "./threads-projection.ts";
