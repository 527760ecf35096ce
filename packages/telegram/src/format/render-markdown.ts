import { isBlank } from "./characters.ts";
import { finalizeFormatted } from "./finalize-formatted.ts";
import type { FormattedText } from "./formatted-text.ts";
import { renderInline } from "./inline-markdown.ts";
import { type Block, parseBlocks } from "./markdown-blocks.ts";
import { renderTable } from "./render-table.ts";
import { TextBuilder } from "./text-builder.ts";

/** Options for {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /**
   * The text is still arriving (streaming): unclosed markers at the end apply to the rest
   * of their paragraph, half-typed markers and link destinations are hidden, so the draft
   * does not flicker between literal and formatted text.
   */
  readonly partial?: boolean;
}

/** Quotes longer than this are collapsed (expandable) so they do not push the answer away. */
const LONG_QUOTE_LINES = 12;
const LONG_QUOTE_UNITS = 800;

/** What a horizontal rule looks like: Telegram has no rules. */
export const RULE_TEXT = "———";

/** Normalizes line endings so that every line ends with "\n". */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

function renderBlock(block: Block, inQuote: boolean): FormattedText {
  const builder = new TextBuilder();
  switch (block.kind) {
    case "paragraph":
      return renderInline(block.source, { open: block.open, allowLinks: true });
    case "heading":
      builder.appendStyled(renderInline(block.source, { open: block.open, allowLinks: true }), {
        type: "bold",
      });
      break;
    case "listItem":
      builder.append(block.prefix);
      builder.appendFormatted(renderInline(block.source, { open: block.open, allowLinks: true }));
      break;
    case "rule":
      builder.append(RULE_TEXT);
      break;
    case "code":
      builder.appendStyled({ text: block.code, entities: [] }, { type: "pre", language: block.language });
      break;
    case "table":
      builder.appendStyled(
        { text: renderTable(block.rows, block.alignments), entities: [] },
        { type: "pre" },
      );
      break;
    case "quote": {
      const inner = renderLines(block.lines, block.open, true);
      // Telegram cannot nest quotes: a quote inside a quote is just more quoted text.
      if (inQuote) return inner;
      const long = inner.text.split("\n").length > LONG_QUOTE_LINES || inner.text.length > LONG_QUOTE_UNITS;
      builder.appendStyled(inner, { type: long ? "expandable_blockquote" : "blockquote" });
      break;
    }
  }
  return builder.build();
}

function renderLines(lines: readonly string[], partial: boolean, inQuote: boolean): FormattedText {
  const builder = new TextBuilder();
  let blankPending = false;
  for (const block of parseBlocks(lines, partial)) {
    blankPending ||= block.blankBefore;
    const rendered = renderBlock(block, inQuote);
    if (isBlank(rendered.text)) continue;
    if (builder.length > 0) builder.append(blankPending ? "\n\n" : "\n");
    blankPending = false;
    builder.appendFormatted(rendered);
  }
  return builder.build();
}

/**
 * Converts the model's Markdown into Telegram text + entities (never a parse_mode
 * string, so nothing can fail to parse on Telegram's side). Supports paragraphs,
 * bold/italic/strikethrough/spoiler, code spans and fences, links, headings, quotes,
 * lists, rules, tables and LaTeX; anything else is shown as written. Blank-line runs
 * collapse to one, trailing whitespace goes, entity edges are trimmed of whitespace.
 */
export function renderMarkdown(markdown: string, options: RenderMarkdownOptions = {}): FormattedText {
  const lines = normalizeNewlines(markdown).split("\n");
  return finalizeFormatted(renderLines(lines, options.partial ?? false, false));
}
