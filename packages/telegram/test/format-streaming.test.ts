import { checkTextAndEntities } from "@bot/testkit";
import { describe, expect, it } from "vitest";
import { computeStreamingSplit } from "../src/format/split-for-streaming.ts";
import {
  composeStreamingView,
  type FormattedText,
  renderMarkdown,
  splitForStreaming,
  THINKING_PREFIX,
} from "../src/index.ts";

function types(formatted: FormattedText): string[] {
  return formatted.entities.map((entity) => entity.type);
}

/** Paragraphs "pN: words…" of about `size` characters each. */
function paragraphs(count: number, size = 100): string {
  return Array.from({ length: count }, (_, i) => `p${i}: ${"lorem ipsum ".repeat(size / 12)}`.trim()).join(
    "\n\n",
  );
}

describe("given a live draft with thinking, a status and an answer", () => {
  it("when everything fits, then thinking is a collapsed quote on top, then the status, then the answer", () => {
    const view = composeStreamingView({
      thinking: "Let me think\nabout it.",
      status: "🔍 searching…",
      answer: "The **answer** is",
    });
    expect(view.text).toBe("🧠 Let me think\nabout it.\n\n🔍 searching…\n\nThe answer is");
    // 🧠 and 🔍 are surrogate pairs: two UTF-16 units each.
    expect(view.entities).toEqual([
      { type: "expandable_blockquote", offset: 0, length: 25 },
      { type: "bold", offset: 46, length: 6 },
    ]);
  });

  it("when the answer is partial Markdown, then it is rendered as streaming text", () => {
    expect(composeStreamingView({ answer: "Some **bol" })).toEqual({
      text: "Some bol",
      entities: [{ type: "bold", offset: 5, length: 3 }],
    });
  });

  it("when thinking does not fit, then its start is cut off with … and the answer stays whole", () => {
    const answer = "a".repeat(300);
    const thinking = `START ${"x".repeat(400)} END`;
    const view = composeStreamingView({ thinking, answer, limit: 500 });
    expect(view.text.length).toBe(500);
    expect(view.text.startsWith(`${THINKING_PREFIX}…`)).toBe(true);
    expect(view.text).not.toContain("START");
    expect(view.text).toContain(`END\n\n${answer}`);
    expect(checkTextAndEntities(view.text, view.entities, 500)).toBeNull();
  });

  it("when less than 100 units would be left for thinking, then it is hidden", () => {
    // 500 - 400 (answer) - 2 (separator) - 3 (🧠 and a space) = 95 units would be left.
    const view = composeStreamingView({ thinking: "t".repeat(500), answer: "a".repeat(400), limit: 500 });
    expect(view.text).toBe("a".repeat(400));
    expect(view.entities).toEqual([]);
  });

  it("when a short thinking fits in less than 100 units, then it is shown whole", () => {
    const view = composeStreamingView({ thinking: "hm", answer: "a".repeat(480), limit: 500 });
    expect(view.text.startsWith(`${THINKING_PREFIX}hm\n\n`)).toBe(true);
  });

  it("when the thinking cut lands inside a surrogate pair, then the pair is not split", () => {
    const view = composeStreamingView({ thinking: "😀".repeat(300), answer: "ok", limit: 205 });
    expect(view.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(view.text.length).toBeLessThanOrEqual(205);
  });

  it("when the answer alone exceeds the limit, then only its last part is shown", () => {
    const answer = paragraphs(30);
    const view = composeStreamingView({ thinking: "thinking", status: "⏳", answer, limit: 1000 });
    expect(view.text.length).toBeLessThanOrEqual(1000);
    expect(
      view.text.endsWith(
        "p29: lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum",
      ),
    ).toBe(true);
    expect(view.text).not.toContain("p0:");
    expect(types(view)).toEqual(["expandable_blockquote"]);
  });

  it("when nothing has arrived yet, then the view is empty (Telegram shows its placeholder)", () => {
    expect(composeStreamingView({ answer: "", thinking: "  ", status: "" })).toEqual({
      text: "",
      entities: [],
    });
  });
});

describe("given a streaming answer longer than a message", () => {
  it("when it fits, then nothing is committed and the tail is the whole answer", () => {
    expect(splitForStreaming("Short **answer**", 4096)).toEqual({ committed: [], tail: "Short **answer**" });
  });

  it("when it is long, then full parts are committed at paragraph boundaries and the rest streams on", () => {
    const answer = paragraphs(12);
    const { committed, tail } = splitForStreaming(answer, 500);
    expect(committed.length).toBeGreaterThan(0);
    for (const part of committed) {
      expect(checkTextAndEntities(part.text, part.entities, 500)).toBeNull();
      expect(part.text).toMatch(/lorem ipsum$/);
    }
    expect([...committed.map((part) => part.text), renderMarkdown(tail).text].join("\n\n")).toBe(
      renderMarkdown(answer).text,
    );
  });

  it("when the last paragraph has nothing after it yet, then it is not committed", () => {
    const answer = `${"a".repeat(300)}\n\n${"b".repeat(300)}`;
    expect(splitForStreaming(answer, 500).committed).toEqual([]);
    expect(splitForStreaming(`${answer}\n\nc`, 500).committed).toEqual([
      { text: "a".repeat(300), entities: [] },
    ]);
  });

  it("when a code block is cut, then the part ends with a closed pre and the tail reopens the fence", () => {
    const code = Array.from({ length: 150 }, (_, i) => `print(${i})`).join("\n");
    const { committed, tail } = splitForStreaming(`Code:\n\n\`\`\`python\n${code}\n\`\`\`\nDone.`, 400);
    expect(committed.length).toBeGreaterThan(1);
    const [, second] = committed;
    expect(second?.entities).toEqual([
      { type: "pre", offset: 0, length: second?.text.length, language: "python" },
    ]);
    expect(tail.startsWith("```python\n")).toBe(true);
    expect(renderMarkdown(tail).entities[0]).toMatchObject({ type: "pre", language: "python" });
  });

  it("when a table is cut, then the tail repeats its header", () => {
    const rows = Array.from({ length: 40 }, (_, i) => `| row ${i} | ${i * i} |`).join("\n");
    const { committed, tail } = splitForStreaming(`| name | square |\n|---|---:|\n${rows}\n\nafter`, 300);
    expect(committed.length).toBeGreaterThan(0);
    expect(tail.startsWith("| name | square |\n|---|---:|\n")).toBe(true);
    expect(committed.every((part) => part.text.startsWith("name"))).toBe(true);
  });

  it("when a cut would separate a table header from its separator row, then the cut goes before the header", () => {
    const answer = `${"x".repeat(49)}\n| a | b |\n|---|---|\n| 1 | 2 |\nmore text`;
    const { committed, tail } = splitForStreaming(answer, 60);
    expect(committed[0]?.text).toBe("x".repeat(49));
    expect(tail.startsWith("| a | b |\n|---|---|\n")).toBe(true);
  });

  it("when the line after a table row is still being typed, then whether it continues the table does not change earlier commits", () => {
    const before = `${"a".repeat(30)}\n|      a      |     b     |\n|--`;
    const after = `${before}-|---|\n| 1 | 2 |\n| 3 | 4 |\nmore\n`;
    const shorter = computeStreamingSplit(before, 50).committed;
    expect(computeStreamingSplit(after, 50).committed.slice(0, shorter.length)).toEqual(shorter);
  });

  it("when a single line is longer than the limit, then it is cut at spaces once the line is followed by more", () => {
    const line = "word ".repeat(300).trim();
    expect(splitForStreaming(line, 200).committed).toEqual([]);
    const { committed } = splitForStreaming(`${line}\nnext`, 200);
    expect(committed.length).toBeGreaterThan(5);
    for (const part of committed) expect(part.text.length).toBeLessThanOrEqual(200);
  });

  it("when a caller switches to an answer that differs after a cut, then the result is computed afresh", () => {
    const first = `${"a".repeat(200)}\n\n${"b".repeat(200)}\n\nc`;
    expect(splitForStreaming(first, 300).committed).toEqual([{ text: "a".repeat(200), entities: [] }]);
    // Same text up to the first cut, but short paragraphs after it let the cut move later.
    const second = `${"a".repeat(200)}\n\n${"b".repeat(50)}\n\n${"d".repeat(10)}\n\n${"e".repeat(300)}\n\nf`;
    const fresh = computeStreamingSplit(second, 300);
    expect(fresh.committed[0]?.text).toBe(`${"a".repeat(200)}\n\n${"b".repeat(50)}\n\n${"d".repeat(10)}`);
    expect(splitForStreaming(second, 300)).toEqual(fresh);
  });

  it("when the limit is below 2, then it is rejected", () => {
    expect(() => splitForStreaming("a", 1)).toThrow(RangeError);
  });
});
