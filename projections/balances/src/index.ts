export * from "./balance-facts.ts";
export * from "./balances-projection.ts";
export * from "./queries.ts";
export * from "./schema.ts";
export * from "./write-facts.ts";
