export * from "./file-facts.ts";
export * from "./file-queries.ts";
export * from "./file-stats.ts";
export * from "./files-projection.ts";
export * from "./provider-file-queries.ts";
export * from "./schema.ts";
export * from "./write-facts.ts";
