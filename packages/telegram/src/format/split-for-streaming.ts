import { isTableRow, quotePrefix } from "./block-syntax.ts";
import { isBlank, splitsSurrogatePair } from "./characters.ts";
import { type FormattedText, TELEGRAM_TEXT_LIMIT } from "./formatted-text.ts";
import { type Block, parseBlocks } from "./markdown-blocks.ts";
import { normalizeNewlines, renderMarkdown } from "./render-markdown.ts";
import { assertLimit, splitMessage } from "./split-message.ts";

/**
 * Ends a segment of an answer: text before it is sent as finished messages at once (a
 * file the model delivers "sequentially" then appears after it), text after it starts a
 * new message. A private-use character, so it never comes from a model, stored in the
 * answer's text like any other so that recovery after a crash splits the same way.
 */
export const ANSWER_SEGMENT_BREAK = "\uE000";

/** Full parts to send as messages, and the Markdown still being streamed. */
export type StreamingSplit = {
  /** Rendered parts, each within the limit; they never change as more text is appended. */
  readonly committed: readonly FormattedText[];
  /** The rest, as Markdown (a code block cut in two is reopened with its fence line). */
  readonly tail: string;
};

/** A place where the Markdown source may be cut. */
interface Cut {
  /** Source index of the cut: the committed part is `src.slice(0, at)`. */
  readonly at: number;
  /** Markdown put before the rest so that an unfinished block continues (e.g. "```ts\n"). */
  readonly reopen: string;
}

/** What the cut decision looked at: the source up to here must not change for it to hold. */
interface Decision {
  readonly cut: Cut;
  readonly part: FormattedText;
  readonly settled: number;
}

/** Line-level facts about one source text, computed once per decision. */
class SourceLines {
  readonly lines: string[];
  readonly starts: number[] = [];
  /** For lines inside a fenced block: the fence line that reopens it. */
  private readonly fenceOpener = new Map<number, string>();
  /** For lines after a table row: the table's header lines and last row. */
  private readonly tableAbove = new Map<number, { header: string; lastRow: number }>();
  private readonly tableHeaders = new Set<number>();

  constructor(readonly src: string) {
    this.lines = src.split("\n");
    let offset = 0;
    for (const line of this.lines) {
      this.starts.push(offset);
      offset += line.length + 1;
    }
    for (const block of parseBlocks(this.lines, false)) this.note(block);
  }

  private note(block: Block): void {
    if (block.kind === "code") {
      for (let line = block.firstLine + 1; line <= block.lastLine; line++)
        this.fenceOpener.set(line, block.opener);
    } else if (block.kind === "table") {
      this.tableHeaders.add(block.firstLine);
      const header = `${this.line(block.firstLine)}\n${this.line(block.firstLine + 1)}\n`;
      for (let line = block.firstLine + 2; line <= block.lastLine + 1; line++) {
        this.tableAbove.set(line, { header, lastRow: block.lastLine });
      }
    }
  }

  line(index: number): string {
    return this.lines[index] ?? "";
  }

  /** The line containing source index `at`. */
  lineOf(at: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((this.starts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Source index just after line `index` (and its newline). */
  lineEnd(index: number): number {
    const start = this.starts[index] ?? this.src.length;
    return Math.min(this.src.length, start + this.line(index).length + 1);
  }

  /**
   * The cut before line `index`, if that is a place to cut: the line has text, and
   * whether a table continues through it is already known (a last, unfinished line
   * next to a table might still become a row or a separator).
   */
  lineCut(index: number): Cut | undefined {
    const line = this.line(index);
    if (isBlank(line)) return undefined;
    const complete = index < this.lines.length - 1;
    const previous = this.line(index - 1);
    if (!complete && isTableRow(previous)) return undefined;
    if (this.tableHeaders.has(index - 1)) return undefined;
    const at = this.starts[index] ?? 0;
    const fence = this.fenceOpener.get(index);
    if (fence !== undefined) return { at, reopen: `${fence}\n` };
    const table = this.tableAbove.get(index);
    if (table && index <= table.lastRow) return { at, reopen: table.header };
    return { at, reopen: "" };
  }

  /** The cut at `at` inside a line: a code line continues in a reopened fence, a quote line in a quote. */
  midLineCut(at: number): Cut {
    const index = this.lineOf(at);
    const fence = this.fenceOpener.get(index);
    if (fence !== undefined) return { at, reopen: `${fence}\n` };
    return { at, reopen: quotePrefix(this.line(index)) };
  }

  /** Whether a blank line precedes line `index` (a paragraph boundary). */
  afterBlank(index: number): boolean {
    return index > 0 && isBlank(this.line(index - 1));
  }
}

/**
 * Where a table could start: the first line that, without its quote markers, begins
 * like a table separator row and has a pipe. Before it nothing renders longer than its
 * source, so short prefixes fit without being rendered.
 */
function tableRisk(src: string): number {
  const risky = /^(?:[ \t]*>)*[ \t]*[|:-].*\|/m.exec(src);
  return risky ? risky.index : Number.POSITIVE_INFINITY;
}

/** Rendered lengths of source prefixes, computed lazily. */
class PrefixMeasure {
  private readonly lengths = new Map<number, number>();
  private readonly risk: number;

  constructor(
    private readonly src: string,
    private readonly limit: number,
  ) {
    this.risk = tableRisk(src);
  }

  /** Rendering never lengthens text without tables, so the source length bounds the rendered one. */
  private boundedBySource(at: number): boolean {
    return at <= this.risk;
  }

  length(at: number): number {
    let length = this.lengths.get(at);
    if (length === undefined) {
      length = renderMarkdown(this.src.slice(0, at)).text.length;
      this.lengths.set(at, length);
    }
    return length;
  }

  fits(at: number): boolean {
    if (at <= this.limit && this.boundedBySource(at)) return true;
    return this.length(at) <= this.limit;
  }

  /** Whether the prefix renders to at least `units` units (and is not empty). */
  atLeast(at: number, units: number): boolean {
    if (this.boundedBySource(at) && at < units) return false;
    return this.length(at) >= Math.max(1, units);
  }
}

interface LineCandidate {
  readonly cut: Cut;
  readonly line: number;
}

/** The line cuts in source order, up to and including the first that does not fit. */
function scanLineCuts(source: SourceLines, measure: PrefixMeasure, minimum: number) {
  const fitting: LineCandidate[] = [];
  for (let line = 1; line < source.lines.length; line++) {
    const cut = source.lineCut(line);
    if (!cut || cut.at < minimum) continue;
    if (!measure.fits(cut.at)) return { fitting, failing: { cut, line } };
    fitting.push({ cut, line });
  }
  return { fitting, failing: undefined };
}

/** The last space cut in `(from, to)` before the first one that does not fit. */
function lastFittingSpace(
  source: SourceLines,
  measure: PrefixMeasure,
  from: number,
  to: number,
): Cut | undefined {
  const { src } = source;
  const fitting: number[] = [];
  for (let at = from + 1; at < to; at++) {
    const before = src.charAt(at - 1);
    if ((before !== " " && before !== "\t") || isBlank(src.charAt(at))) continue;
    if (!measure.fits(at)) break;
    fitting.push(at);
  }
  const best = fitting.findLast((at) => measure.atLeast(at, 1));
  return best === undefined ? undefined : source.midLineCut(best);
}

/** The longest prefix in `(from, to)` that fits, by bisection: for text with no usable space. */
function hardCut(source: SourceLines, measure: PrefixMeasure, from: number, to: number): Cut | undefined {
  let low = from;
  let high = to;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (measure.fits(mid)) low = mid;
    else high = mid;
  }
  const at = splitsSurrogatePair(source.src, low) ? low - 1 : low;
  return at > from && measure.atLeast(at, 1) ? source.midLineCut(at) : undefined;
}

/**
 * Decides the first cut of `src`, looking only at text up to the first line cut whose
 * prefix no longer fits (so appending text can never change the decision). Preference:
 * a paragraph boundary, then a line boundary, each leaving at least half the limit,
 * then the last space, then any line boundary, then a hard cut.
 */
function decide(src: string, limit: number, minimum: number): Decision | undefined {
  const source = new SourceLines(src);
  const measure = new PrefixMeasure(src, limit);
  const { fitting, failing } = scanLineCuts(source, measure, minimum);
  if (!failing) return undefined;
  const half = Math.floor(limit / 2);
  // Searched from the end and lazily: each check may render a prefix.
  const paragraph = fitting.findLast(
    (candidate) => source.afterBlank(candidate.line) && measure.atLeast(candidate.cut.at, half),
  );
  const roomy = paragraph ?? fitting.findLast((candidate) => measure.atLeast(candidate.cut.at, half));
  const from = fitting.at(-1)?.cut.at ?? minimum - 1;
  const cut =
    roomy?.cut ??
    lastFittingSpace(source, measure, from, failing.cut.at) ??
    fitting.findLast((candidate) => measure.atLeast(candidate.cut.at, 1))?.cut ??
    hardCut(source, measure, from, failing.cut.at);
  if (!cut) return undefined;
  return { cut, part: renderMarkdown(src.slice(0, cut.at)), settled: source.lineEnd(failing.line) };
}

/** How far the streaming split got: what a later call with more text can resume from. */
interface SplitState {
  readonly committed: readonly FormattedText[];
  /** Index in the answer where the tail's own text starts. */
  readonly consumed: number;
  readonly reopen: string;
  /** Answer prefix length the committed parts depend on. */
  readonly settled: number;
}

function advance(answer: string, limit: number, from: SplitState): SplitState {
  let state = from;
  for (;;) {
    const src = state.reopen + answer.slice(state.consumed);
    const decision = decide(src, limit, state.reopen.length + 1);
    if (!decision) return state;
    const toAnswer = (at: number) => state.consumed + at - state.reopen.length;
    state = {
      committed: [...state.committed, decision.part],
      consumed: toAnswer(decision.cut.at),
      reopen: decision.cut.reopen,
      settled: Math.max(state.settled, toAnswer(decision.settled)),
    };
  }
}

function toSplit(answer: string, state: SplitState): StreamingSplit {
  return { committed: state.committed, tail: state.reopen + answer.slice(state.consumed) };
}

const START: SplitState = { committed: [], consumed: 0, reopen: "", settled: 0 };

/** The uncached computation behind {@link splitForStreaming}. */
export function computeStreamingSplit(answer: string, limit = TELEGRAM_TEXT_LIMIT): StreamingSplit {
  assertLimit(limit);
  const text = normalizeNewlines(answer);
  return toSplit(text, advance(text, limit, START));
}

/** A remembered split: the committed state and the answer prefix it depends on. */
interface Remembered {
  readonly limit: number;
  readonly settledText: string;
  readonly state: SplitState;
}

/** How many streams' splits are remembered (answers in different chats interleave). */
const REMEMBERED_STREAMS = 16;

/**
 * Recent results, most recent first: a streaming caller asks again with the same text
 * plus a bit more, and committed parts depend only on their settled prefix, so work
 * resumes there instead of starting over.
 */
const remembered: Remembered[] = [];

function resumeFrom(text: string, limit: number): SplitState {
  let best: Remembered | undefined;
  for (const entry of remembered) {
    if (entry.limit !== limit || !text.startsWith(entry.settledText)) continue;
    if (!best || entry.state.settled > best.state.settled) best = entry;
  }
  if (best) remembered.splice(remembered.indexOf(best), 1);
  return best?.state ?? START;
}

/**
 * Splits a streaming answer into parts that are complete and final (each rendered within
 * `limit`) and the Markdown still being written. Cuts happen only at places already
 * followed by more text, and each decision depends only on text before a point that is
 * already past the limit, so for any extension of `answer` the committed parts of
 * `answer` stay a prefix of the new ones: a caller can send each new committed part as
 * a message and keep streaming the tail as a draft.
 */
export function splitForStreaming(answer: string, limit = TELEGRAM_TEXT_LIMIT): StreamingSplit {
  assertLimit(limit);
  const lastBreak = answer.lastIndexOf(ANSWER_SEGMENT_BREAK);
  if (lastBreak >= 0) {
    // Every segment before the last is finished: all of it is committed.
    const sealed = answer
      .slice(0, lastBreak)
      .split(ANSWER_SEGMENT_BREAK)
      .flatMap((segment) => {
        const split = splitForStreaming(segment, limit);
        const tail = renderMarkdown(split.tail);
        return [...split.committed, ...(tail.text.trim().length > 0 ? splitMessage(tail, limit) : [])];
      });
    const rest = splitForStreaming(answer.slice(lastBreak + ANSWER_SEGMENT_BREAK.length), limit);
    return { ...rest, committed: [...sealed, ...rest.committed] };
  }
  const text = normalizeNewlines(answer);
  const state = advance(text, limit, resumeFrom(text, limit));
  remembered.unshift({ limit, settledText: text.slice(0, state.settled), state });
  remembered.splice(REMEMBERED_STREAMS);
  return toSplit(text, state);
}
