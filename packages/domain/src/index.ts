export * from "./clock.ts";
export * from "./envelope.ts";
export * from "./event-registry.ts";
export * from "./events/catalog.ts";
export * from "./events/thread-events.ts";
export * from "./money.ts";
export * from "./streams.ts";
