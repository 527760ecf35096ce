export * from "./create-key-value-store.ts";
export * from "./errors.ts";
export * from "./memory-store.ts";
export * from "./redis-store.ts";
export * from "./types.ts";
