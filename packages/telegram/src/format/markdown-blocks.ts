import {
  type Alignment,
  closesFence,
  fenceOpen,
  headingText,
  isQuoteLine,
  isRule,
  isTableRow,
  listItem,
  mathOpen,
  mayBecomeFenceClose,
  stripQuoteMarker,
  tableCells,
  tableSeparator,
} from "./block-syntax.ts";
import { isBlank } from "./characters.ts";

/** What every block knows about where it came from. */
interface BlockPlace {
  /** Index of the block's first source line. */
  readonly firstLine: number;
  /** Index of the block's last source line (a closing fence included). */
  readonly lastLine: number;
  /** A blank line separated it from the previous block. */
  readonly blankBefore: boolean;
}

/** Inline Markdown to render; `open` when text may still be added to it (streaming). */
interface InlineBlock extends BlockPlace {
  readonly source: string;
  readonly open: boolean;
}

/** A block-level piece of a Markdown document. */
export type Block =
  | (InlineBlock & { readonly kind: "paragraph" | "heading" })
  | (InlineBlock & { readonly kind: "listItem"; readonly prefix: string })
  | (BlockPlace & { readonly kind: "rule" })
  | (BlockPlace & {
      readonly kind: "code";
      readonly code: string;
      readonly language: string | undefined;
      /** The opening line, for reopening the block in a later message. */
      readonly opener: string;
    })
  | (BlockPlace & { readonly kind: "table"; readonly rows: string[][]; readonly alignments: Alignment[] })
  | (BlockPlace & { readonly kind: "quote"; readonly lines: string[]; readonly open: boolean });

/** Code lines lose up to `indent` leading spaces (the fence's own indentation). */
function dedent(line: string, indent: number): string {
  let cut = 0;
  while (cut < indent && (line[cut] === " " || line[cut] === "\t")) cut++;
  return line.slice(cut);
}

/** Leading blank lines and trailing whitespace of code are never meaningful. */
function codeText(lines: readonly string[]): string {
  return lines
    .join("\n")
    .replace(/^(?:[ \t]*\n)+/, "")
    .trimEnd();
}

class BlockParser {
  private readonly blocks: Block[] = [];
  private blankBefore = false;

  constructor(
    private readonly lines: readonly string[],
    private readonly partial: boolean,
  ) {}

  parse(): Block[] {
    let index = 0;
    while (index < this.lines.length) {
      const line = this.lines[index] as string;
      if (isBlank(line)) {
        this.blankBefore = this.blocks.length > 0;
        index++;
        continue;
      }
      index = this.block(index) + 1;
      this.blankBefore = false;
    }
    return this.blocks;
  }

  private line(index: number): string {
    return this.lines[index] ?? "";
  }

  /** While streaming, a block ending at the last line (or before a last, still blank line) may grow. */
  private isOpen(lastLine: number): boolean {
    const final = this.lines.length - 1;
    return this.partial && (lastLine === final || (lastLine === final - 1 && isBlank(this.line(final))));
  }

  private place(firstLine: number, lastLine: number): BlockPlace {
    return { firstLine, lastLine, blankBefore: this.blankBefore };
  }

  /** Parses the block starting at `index`; returns the index of its last line. */
  private block(index: number): number {
    const line = this.line(index);
    const fence = fenceOpen(line);
    if (fence) return this.fence(index, (candidate) => closesFence(candidate, fence), fence.char, fence);
    const math = mathOpen(line);
    if (math) {
      const close = (candidate: string) => candidate.trim() === math;
      return this.fence(index, close, math.charAt(0), { indent: 0, language: "latex" });
    }
    if (isRule(line)) {
      this.blocks.push({ kind: "rule", ...this.place(index, index) });
      return index;
    }
    const heading = headingText(line);
    if (heading !== undefined) {
      this.blocks.push({
        kind: "heading",
        source: heading,
        open: this.isOpen(index),
        ...this.place(index, index),
      });
      return index;
    }
    if (this.startsTable(index)) return this.table(index);
    if (isQuoteLine(line)) return this.quote(index);
    const item = listItem(line);
    if (item) {
      const last = this.continuation(index);
      const source = [item.content, ...this.lines.slice(index + 1, last + 1)]
        .map((l) => l.trimEnd())
        .join("\n");
      this.blocks.push({
        kind: "listItem",
        prefix: item.prefix,
        source,
        open: this.isOpen(last),
        ...this.place(index, last),
      });
      return last;
    }
    const last = this.continuation(index);
    const source = this.lines
      .slice(index, last + 1)
      .map((l) => l.trimEnd())
      .join("\n");
    this.blocks.push({ kind: "paragraph", source, open: this.isOpen(last), ...this.place(index, last) });
    return last;
  }

  /** Whether a line starts a block other than a paragraph (and so ends a paragraph). */
  private startsBlock(index: number): boolean {
    const line = this.line(index);
    return (
      fenceOpen(line) !== undefined ||
      mathOpen(line) !== undefined ||
      isRule(line) ||
      headingText(line) !== undefined ||
      isQuoteLine(line) ||
      listItem(line) !== undefined ||
      this.startsTable(index)
    );
  }

  /** The last line of the paragraph-like text starting at `index`. */
  private continuation(index: number): number {
    let last = index;
    while (last + 1 < this.lines.length && !isBlank(this.line(last + 1)) && !this.startsBlock(last + 1))
      last++;
    return last;
  }

  /**
   * A fenced block (code or display math). Unclosed, it runs to the end in both modes: a
   * half-finished code block is still code. While streaming, a last line that could be
   * the closing fence being typed is hidden.
   */
  private fence(
    index: number,
    closes: (line: string) => boolean,
    fenceChar: string,
    shape: { indent: number; language: string | undefined },
  ): number {
    let close = index + 1;
    while (close < this.lines.length && !closes(this.line(close))) close++;
    const closed = close < this.lines.length;
    let content = this.lines.slice(index + 1, close);
    const final = content.at(-1);
    if (
      !closed &&
      this.partial &&
      content.length > 0 &&
      final !== undefined &&
      mayBecomeFenceClose(final, fenceChar)
    ) {
      content = content.slice(0, -1);
    }
    this.blocks.push({
      kind: "code",
      code: codeText(content.map((line) => dedent(line, shape.indent))),
      language: shape.language,
      opener: this.line(index),
      ...this.place(index, closed ? close : this.lines.length - 1),
    });
    return closed ? close : this.lines.length - 1;
  }

  private startsTable(index: number): boolean {
    const header = this.line(index);
    if (!isTableRow(header)) return false;
    const alignments = tableSeparator(this.line(index + 1));
    return alignments !== undefined && alignments.length === tableCells(header).length;
  }

  private table(index: number): number {
    const alignments = tableSeparator(this.line(index + 1)) ?? [];
    const rows = [tableCells(this.line(index))];
    let last = index + 1;
    while (last + 1 < this.lines.length) {
      const row = this.line(last + 1);
      if (!isTableRow(row) || isQuoteLine(row) || fenceOpen(row) || headingText(row) !== undefined) break;
      rows.push(tableCells(row));
      last++;
    }
    this.blocks.push({ kind: "table", rows, alignments, ...this.place(index, last) });
    return last;
  }

  private quote(index: number): number {
    let last = index;
    while (last + 1 < this.lines.length && isQuoteLine(this.line(last + 1))) last++;
    const lines = this.lines.slice(index, last + 1).map(stripQuoteMarker);
    this.blocks.push({ kind: "quote", lines, open: this.isOpen(last), ...this.place(index, last) });
    return last;
  }
}

/**
 * Splits Markdown lines into blocks. Deliberately simpler than CommonMark: no setext
 * headings (`---` is always a rule), no indented code, no lazy quote continuation,
 * a list item's text runs until a blank line or the next block.
 */
export function parseBlocks(lines: readonly string[], partial: boolean): Block[] {
  return new BlockParser(lines, partial).parse();
}
