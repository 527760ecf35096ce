export * from "./async-helpers.ts";
export * from "./harness.ts";
export * from "./postgres-harness.ts";
export * from "./recorded-log.ts";
export * from "./test-events.ts";
