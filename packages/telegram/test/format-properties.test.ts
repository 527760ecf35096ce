import { checkTextAndEntities } from "@bot/testkit";
import type { MessageEntity } from "@grammyjs/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeStreamingSplit } from "../src/format/split-for-streaming.ts";
import {
  composeStreamingView,
  type FormattedText,
  renderMarkdown,
  splitForStreaming,
  splitMessage,
} from "../src/index.ts";

/** Pieces of Markdown-ish text: markers, structure, words, emoji and surrogate pairs. */
const piece = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom("*", "**", "***", "_", "__", "~~", "~", "||", "|", "`", "``", "$", "$$"),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom("\\", "\\(", "\\)", "\\[", "\\]", "[", "]", "(", ")", "!", "<b>", "#"),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "```",
      "```ts\n",
      "\n```\n",
      "~~~\n",
      "\n$$\n",
      "](https://e.com/a_(b))",
      "](tg://x)",
      "](ftp://x)",
      "https://a.b/c_d*e",
      "# ",
      "\n## ",
      "\n> ",
      "\n- ",
      "\n* ",
      "\n1. ",
      "\n---\n",
      "| a | b |\n|---|:-:|\n",
      "\n| c | d |",
    ),
  },
  { weight: 6, arbitrary: fc.constantFrom("\n", "\n\n", "\n\n\n", " ", "  ", "\t", " \n") },
  { weight: 8, arbitrary: fc.constantFrom("a", "b", "word", "x2", "snake_case", "5", "中文", "é") },
  { weight: 3, arbitrary: fc.constantFrom("😀", "👨‍👩‍👧", "𝕏", "\u{1F1FA}\u{1F1F8}") },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 3 }) },
);

function markdownish(maxPieces: number): fc.Arbitrary<string> {
  return fc.array(piece, { maxLength: maxPieces, size: "max" }).map((pieces) => pieces.join(""));
}

const RUNS = { numRuns: 300 };

function end(entity: MessageEntity): number {
  return entity.offset + entity.length;
}

function splitsPair(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/** For each UTF-16 index, the sorted styles covering it (with pre language and link URL). */
function stylesByIndex(formatted: FormattedText): string[] {
  const styles: string[][] = Array.from({ length: formatted.text.length }, () => []);
  for (const entity of formatted.entities) {
    const name =
      entity.type === "pre"
        ? `pre:${entity.language ?? ""}`
        : entity.type === "text_link"
          ? `link:${entity.url}`
          : entity.type;
    for (let index = entity.offset; index < end(entity); index++) styles[index]?.push(name);
  }
  return styles.map((names) => names.sort().join(","));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether an entity that is not code starts or ends on whitespace Telegram would trim. */
function hasLooseEdge(formatted: FormattedText, entity: MessageEntity): boolean {
  if (entity.type === "code" || entity.type === "pre") return false;
  const inCode = (index: number) =>
    formatted.entities.some(
      (other) =>
        (other.type === "code" || other.type === "pre") && other.offset <= index && index < end(other),
    );
  const loose = (index: number) => /\s/.test(formatted.text.charAt(index)) && !inCode(index);
  return loose(entity.offset) || loose(end(entity) - 1);
}

function longestWhitespaceRun(text: string): number {
  return Math.max(0, ...(text.match(/\s+/g) ?? []).map((run) => run.length));
}

describe("given arbitrary Markdown-ish text", () => {
  it("when rendered (final or partial), then Telegram accepts it and no entity covers only whitespace, has loose edges or splits a pair", () => {
    fc.assert(
      fc.property(markdownish(60), fc.boolean(), (markdown, partial) => {
        const formatted = renderMarkdown(markdown, { partial });
        const { text, entities } = formatted;
        expect(checkTextAndEntities(text, entities, 4096 * 16, true)).toBeNull();
        expect(text).toBe(text.trimEnd());
        for (const entity of entities) {
          expect(entity.offset).toBeGreaterThanOrEqual(0);
          expect(end(entity)).toBeLessThanOrEqual(text.length);
          expect(text.slice(entity.offset, end(entity)).trim()).not.toBe("");
          expect(splitsPair(text, entity.offset) || splitsPair(text, end(entity))).toBe(false);
          expect(hasLooseEdge(formatted, entity)).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it("when rendered, then blank-line runs outside code collapse to a single blank line", () => {
    fc.assert(
      fc.property(markdownish(60), fc.boolean(), (markdown, partial) => {
        const { text, entities } = renderMarkdown(markdown, { partial });
        const outsideCode = text
          .split("")
          .map((char, index) =>
            entities.some(
              (e) => (e.type === "pre" || e.type === "code") && e.offset <= index && index < end(e),
            )
              ? "x"
              : char,
          );
        expect(outsideCode.join("")).not.toMatch(/\n[ \t]*\n[ \t]*\n/);
      }),
      RUNS,
    );
  });

  it("when no line could start a table, then the rendered text is never longer than the source", () => {
    // splitForStreaming relies on this to skip rendering short prefixes.
    fc.assert(
      fc.property(markdownish(80), fc.boolean(), (markdown, partial) => {
        fc.pre(!/^(?:[ \t]*>)*[ \t]*[|:-].*\|/m.test(markdown));
        expect(renderMarkdown(markdown, { partial }).text.length).toBeLessThanOrEqual(markdown.length);
      }),
      RUNS,
    );
  });
});

describe("given rendered text to split", () => {
  const limits = fc.oneof(
    fc.integer({ min: 50, max: 300 }),
    fc.integer({ min: 2, max: 49 }),
    fc.constant(4096),
  );

  it("when split, then parts fit, are accepted, keep the text and keep every character's formatting", () => {
    fc.assert(
      fc.property(markdownish(200), fc.boolean(), limits, (markdown, partial, limit) => {
        const formatted = renderMarkdown(markdown, { partial });
        const parts = splitMessage(formatted, limit);
        for (const part of parts) {
          expect(part.text.length).toBeLessThanOrEqual(limit);
          expect(checkTextAndEntities(part.text, part.entities, limit)).toBeNull();
          // The input has no lone surrogates, so a lone one in a part means a pair was cut.
          expect(part.text).not.toMatch(LONE_SURROGATE);
        }
        const joined = parts.map((part) => part.text).join("");
        if (longestWhitespaceRun(formatted.text) < limit - 1) {
          expect(joined).toBe(formatted.text);
          expect(parts.flatMap(stylesByIndex)).toEqual(stylesByIndex(formatted));
        } else {
          // Only whitespace that fits in no message may be dropped.
          expect(joined.replace(/\s+/g, "")).toBe(formatted.text.replace(/\s+/g, ""));
        }
      }),
      RUNS,
    );
  });

  it("when long texts with big limits are split, then they still satisfy the same rules", () => {
    fc.assert(
      fc.property(fc.array(markdownish(40), { minLength: 20, maxLength: 60 }), (chunks) => {
        const formatted = renderMarkdown(chunks.join("\n\n").repeat(8));
        const parts = splitMessage(formatted, 4096);
        expect(parts.map((part) => part.text).join("")).toBe(formatted.text);
        for (const part of parts) expect(checkTextAndEntities(part.text, part.entities)).toBeNull();
        expect(parts.flatMap(stylesByIndex)).toEqual(stylesByIndex(formatted));
      }),
      { numRuns: 300 },
    );
  });
});

describe("given arbitrary formatted text, including trailing whitespace", () => {
  const spacey = fc
    .array(fc.constantFrom("a", "bc", "😀", " ", "  ", "\n", "\n\n", "\t"), { maxLength: 120, size: "max" })
    .map((pieces) => pieces.join(""));

  it("when split, then no part is blank or too long, formatting stays put and only unplaceable whitespace is lost", () => {
    fc.assert(
      fc.property(
        spacey,
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom("bold", "italic", "code")), { maxLength: 6 }),
        fc.integer({ min: 2, max: 60 }),
        (text, raw, limit) => {
          const entities: MessageEntity[] = raw
            .map(([a, b, type]) => ({ type, offset: a % (text.length + 1), length: b % 20 }))
            .filter((entity) => entity.length > 0 && entity.offset + entity.length <= text.length);
          const formatted = { text, entities };
          const parts = splitMessage(formatted, limit);
          for (const part of parts) {
            expect(part.text.length).toBeLessThanOrEqual(limit);
            expect(part.text.trim()).not.toBe("");
            expect(part.text).not.toMatch(LONE_SURROGATE);
          }
          const joined = parts.map((part) => part.text).join("");
          expect(joined.replace(/\s+/g, "")).toBe(text.replace(/\s+/g, ""));
          if (joined === text) expect(parts.flatMap(stylesByIndex)).toEqual(stylesByIndex(formatted));
        },
      ),
      RUNS,
    );
  });
});

describe("given a streaming view", () => {
  it("when composed from any thinking, status and answer, then it fits the limit and Telegram accepts it", () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ unit: "grapheme", maxLength: 400 }), { nil: undefined }),
        fc.option(fc.constantFrom("🔍 searching…", "", "  ", "⚙️ running code"), { nil: undefined }),
        markdownish(120),
        fc.oneof(fc.integer({ min: 2, max: 600 }), fc.constant(4096)),
        (thinking, status, answer, limit) => {
          const view = composeStreamingView({ thinking, status, answer, limit });
          expect(view.text.length).toBeLessThanOrEqual(limit);
          expect(checkTextAndEntities(view.text, view.entities, limit, view.text === "")).toBeNull();
        },
      ),
      RUNS,
    );
  });
});

describe("given an answer that grows while streaming", () => {
  const limits = fc.integer({ min: 40, max: 300 });

  it("when more text is appended, then the committed parts of the shorter text stay a prefix of the new ones", () => {
    fc.assert(
      fc.property(markdownish(150), markdownish(60), limits, (answer, more, limit) => {
        const before = computeStreamingSplit(answer, limit).committed;
        const after = computeStreamingSplit(answer + more, limit).committed;
        expect(after.slice(0, before.length)).toEqual(before);
      }),
      RUNS,
    );
  });

  it("when split, then every committed part is within the limit, accepted and not blank", () => {
    fc.assert(
      fc.property(markdownish(200), limits, (answer, limit) => {
        for (const part of computeStreamingSplit(answer, limit).committed) {
          expect(part.text.length).toBeLessThanOrEqual(limit);
          expect(checkTextAndEntities(part.text, part.entities, limit)).toBeNull();
        }
      }),
      RUNS,
    );
  });

  it("when streamed chunk by chunk through the cached entry point, then results equal the uncached computation", () => {
    fc.assert(
      fc.property(fc.array(markdownish(30), { minLength: 1, maxLength: 12 }), limits, (chunks, limit) => {
        let answer = "";
        for (const chunk of chunks) {
          answer += chunk;
          expect(splitForStreaming(answer, limit)).toEqual(computeStreamingSplit(answer, limit));
        }
      }),
      RUNS,
    );
  });

  it("when the caller switches to another answer with a common start, then the cached entry point still equals the uncached one", () => {
    fc.assert(
      fc.property(
        markdownish(80),
        markdownish(60),
        markdownish(60),
        limits,
        (common, first, second, limit) => {
          splitForStreaming(common + first, limit);
          expect(splitForStreaming(common + second, limit)).toEqual(
            computeStreamingSplit(common + second, limit),
          );
        },
      ),
      RUNS,
    );
  });

  it("when two answers stream interleaved (two chats), then each call still equals the uncached computation", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), markdownish(30)), { minLength: 1, maxLength: 16 }),
        limits,
        (steps, limit) => {
          const answers = ["", ""];
          for (const [second, chunk] of steps) {
            const index = second ? 1 : 0;
            answers[index] += chunk;
            const answer = answers[index] ?? "";
            expect(splitForStreaming(answer, limit)).toEqual(computeStreamingSplit(answer, limit));
          }
        },
      ),
      RUNS,
    );
  });
});
