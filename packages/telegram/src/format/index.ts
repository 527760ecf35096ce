export {
  EMPTY_FORMATTED,
  type EntityStyle,
  type FormattedText,
  interruptedMarker,
  plainText,
  TELEGRAM_TEXT_LIMIT,
  withSuffix,
} from "./formatted-text.ts";
export { type RenderMarkdownOptions, renderMarkdown } from "./render-markdown.ts";
export { ANSWER_SEGMENT_BREAK, type StreamingSplit, splitForStreaming } from "./split-for-streaming.ts";
export { splitMessage } from "./split-message.ts";
export { composeStreamingView, type StreamingViewArgs, THINKING_PREFIX } from "./streaming-view.ts";
