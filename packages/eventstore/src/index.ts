export * from "./codec.ts";
export * from "./errors.ts";
export * from "./global-reads.ts";
export * from "./instrumented-event-store.ts";
export * from "./position.ts";
export * from "./types.ts";
export * from "./wakeup.ts";
