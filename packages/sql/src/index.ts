export * from "./data-dir-lock.ts";
export * from "./errors.ts";
export * from "./identifiers.ts";
export * from "./migrations.ts";
export * from "./pglite-client.ts";
export * from "./pglite-worker-client.ts";
export * from "./postgres-client.ts";
export * from "./types.ts";
