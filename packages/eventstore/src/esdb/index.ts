export type { EsdbClient, EsdbRead, EsdbSubscription } from "./client-port.ts";
export { connectEsdbEventStore, createEsdbClient, toEsdbConnectionString } from "./connect.ts";
export * from "./error-mapping.ts";
export { createEsdbEventStore, type EsdbEventStoreOptions } from "./esdb-event-store.ts";
export { isSystemEvent } from "./recorded.ts";
export { esdbServerFilter } from "./subscription.ts";
