export * from "./format/index.ts";
export * from "./i18n/texts.ts";
export * from "./render/draft-id.ts";
export * from "./render/send-formatted.ts";
export * from "./render/streaming-answer.ts";
export * from "./render/telegram-answer-renderer.ts";
