export * from "./bot-api/entity-rules.ts";
