import { isLowSurrogate } from "./characters.ts";
import { EMPTY_FORMATTED, type FormattedText, TELEGRAM_TEXT_LIMIT } from "./formatted-text.ts";
import { renderMarkdown } from "./render-markdown.ts";
import { splitForStreaming } from "./split-for-streaming.ts";
import { assertLimit, splitMessage } from "./split-message.ts";
import { TextBuilder } from "./text-builder.ts";

/** What the live draft shows. */
export type StreamingViewArgs = {
  /** The model's thinking so far, shown as plain text in a collapsed quote. */
  readonly thinking?: string | undefined;
  /** The answer so far, as Markdown. */
  readonly answer: string;
  /** A one-line status such as "🔍 searching…". */
  readonly status?: string | undefined;
  /** Maximum length of the view in UTF-16 units; Telegram's 4096 by default. */
  readonly limit?: number | undefined;
};

/** Marks the thinking quote. */
export const THINKING_PREFIX = "🧠 ";
/** Shown where the start of a long thinking text was cut off. */
const ELLIPSIS = "…";
/** Thinking is not worth showing in less room than this. */
const MIN_THINKING_UNITS = 100;
const SECTION_SEPARATOR = "\n\n";

/** Blank-line runs collapse and outer whitespace goes, as in rendered Markdown. */
function tidy(text: string | undefined): string {
  return (text ?? "")
    .replace(/\r\n?/g, "\n")
    .replace(/\n[ \t]*(?:\n[ \t]*)+\n/g, "\n\n")
    .trim();
}

/** Keeps the end of `text` within `room` units, marking the cut with a leading "…". */
function keepEnd(text: string, room: number): string {
  if (text.length <= room) return text;
  let start = text.length - (room - ELLIPSIS.length);
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  return ELLIPSIS + text.slice(start).trimStart();
}

/** The answer's visible part: the streaming tail, or its last part that fits. */
function answerView(answer: string, limit: number): FormattedText {
  const { tail } = splitForStreaming(answer, limit);
  const rendered = renderMarkdown(tail, { partial: true });
  if (rendered.text.length <= limit) return rendered;
  return splitMessage(rendered, limit).at(-1) ?? EMPTY_FORMATTED;
}

/**
 * Composes the live draft of an answer being generated: the thinking in a collapsed
 * quote at the top (its start cut off to make room), then the status line, then the
 * answer rendered as partial Markdown. The answer always wins: thinking shrinks first
 * and disappears when less than 100 units would be left, then the status goes; an
 * answer longer than the limit shows only its last part (the caller sends the earlier
 * parts as messages, see {@link splitForStreaming}).
 */
export function composeStreamingView(args: StreamingViewArgs): FormattedText {
  const limit = args.limit ?? TELEGRAM_TEXT_LIMIT;
  assertLimit(limit);
  const answer = answerView(args.answer, limit);
  const status = tidy(args.status);
  const thinking = tidy(args.thinking);
  const lower: FormattedText[] = answer.text.length > 0 ? [answer] : [];
  const lowerLength = () =>
    lower.reduce((sum, piece) => sum + piece.text.length, 0) +
    SECTION_SEPARATOR.length * Math.max(0, lower.length - 1);
  const withSeparator = (length: number) => length + (length > 0 ? SECTION_SEPARATOR.length : 0);
  if (status.length > 0 && withSeparator(lowerLength()) + status.length <= limit) {
    lower.unshift({ text: status, entities: [] });
  }
  const builder = new TextBuilder();
  const room = limit - withSeparator(lowerLength()) - THINKING_PREFIX.length;
  const fitsWhole = thinking.length <= room;
  if (thinking.length > 0 && (fitsWhole || room >= MIN_THINKING_UNITS)) {
    const quote = THINKING_PREFIX + keepEnd(thinking, room);
    builder.appendStyled({ text: quote, entities: [] }, { type: "expandable_blockquote" });
  }
  for (const piece of lower) {
    if (builder.length > 0) builder.append(SECTION_SEPARATOR);
    builder.appendFormatted(piece);
  }
  return builder.build();
}
