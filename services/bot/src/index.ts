export * from "./bot-deps.ts";
export * from "./bot-metrics.ts";
export * from "./bot-process.ts";
export * from "./command-registry.ts";
export * from "./create-bot.ts";
export * from "./generation-texts.ts";
export * from "./system-prompt.ts";
export * from "./thread-routing.ts";
