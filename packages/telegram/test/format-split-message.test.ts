import { checkTextAndEntities } from "@bot/testkit";
import { describe, expect, it } from "vitest";
import { type FormattedText, renderMarkdown, splitMessage } from "../src/index.ts";

function texts(parts: readonly FormattedText[]): string[] {
  return parts.map((part) => part.text);
}

describe("given formatted text within the limit", () => {
  it("when split, then it comes back as one identical part", () => {
    const formatted = renderMarkdown("Hello **world**");
    expect(splitMessage(formatted)).toEqual([formatted]);
  });

  it("when it is empty or only whitespace, then there are no parts", () => {
    expect(splitMessage({ text: "", entities: [] })).toEqual([]);
    expect(splitMessage({ text: " \n ", entities: [] })).toEqual([]);
  });

  it("when the limit is below 2 or not an integer, then it is rejected", () => {
    expect(() => splitMessage({ text: "a", entities: [] }, 1)).toThrow(RangeError);
    expect(() => splitMessage({ text: "a", entities: [] }, 10.5)).toThrow(RangeError);
  });
});

describe("given formatted text longer than the limit", () => {
  it("when there is a blank line in the second half of the window, then the cut is after it", () => {
    const text = `${"a".repeat(30)}\nline\n\n${"b".repeat(30)}`;
    expect(texts(splitMessage({ text, entities: [] }, 50))).toEqual([
      `${"a".repeat(30)}\nline\n\n`,
      "b".repeat(30),
    ]);
  });

  it("when the only blank line is in the first half, then a later line break wins", () => {
    const text = `aa\n\n${"a".repeat(30)}\n${"b".repeat(30)}`;
    expect(texts(splitMessage({ text, entities: [] }, 50))).toEqual([
      `aa\n\n${"a".repeat(30)}\n`,
      "b".repeat(30),
    ]);
  });

  it("when there are no line breaks, then the cut is after the last space", () => {
    expect(texts(splitMessage({ text: "one two three four five", entities: [] }, 10))).toEqual([
      "one two ",
      "three ",
      "four five",
    ]);
  });

  it("when there is no whitespace at all, then the cut is hard at the limit", () => {
    expect(texts(splitMessage({ text: "abcdefghij", entities: [] }, 4))).toEqual(["abcd", "efgh", "ij"]);
  });

  it("when a hard cut would split a surrogate pair, then it moves before the pair", () => {
    expect(texts(splitMessage({ text: "abc😀def", entities: [] }, 4))).toEqual(["abc", "😀de", "f"]);
  });

  it("when entities cross a cut, then each part gets its clipped, re-based piece", () => {
    const formatted: FormattedText = {
      text: "aaaa bbbb cccc",
      entities: [
        { type: "bold", offset: 2, length: 10 },
        { type: "text_link", offset: 5, length: 9, url: "https://e.com" },
      ],
    };
    expect(splitMessage(formatted, 6)).toEqual([
      { text: "aaaa ", entities: [{ type: "bold", offset: 2, length: 3 }] },
      {
        text: "bbbb ",
        entities: [
          { type: "bold", offset: 0, length: 5 },
          { type: "text_link", offset: 0, length: 5, url: "https://e.com" },
        ],
      },
      {
        text: "cccc",
        entities: [
          { type: "bold", offset: 0, length: 2 },
          { type: "text_link", offset: 0, length: 4, url: "https://e.com" },
        ],
      },
    ]);
  });

  it("when a code block crosses a cut, then it is closed in one part and reopened with its language in the next", () => {
    const code = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
    const formatted = renderMarkdown(`Intro\n\n\`\`\`ts\n${code}\n\`\`\``);
    const parts = splitMessage(formatted, 100);
    expect(parts.length).toBeGreaterThan(2);
    for (const [index, part] of parts.entries()) {
      expect(checkTextAndEntities(part.text, part.entities, 100)).toBeNull();
      const pre = part.entities.find((entity) => entity.type === "pre");
      expect(pre).toMatchObject({ type: "pre", language: "ts" });
      if (index > 0) expect(pre?.offset).toBe(0);
    }
    expect(texts(parts).join("")).toBe(formatted.text);
  });

  it("when the text ends in whitespace, then the cut leaves visible text for the last part", () => {
    const text = `${"a".repeat(8)} bb \n  `;
    expect(texts(splitMessage({ text, entities: [] }, 10))).toEqual([`${"a".repeat(8)} `, "bb \n  "]);
  });

  it("when whitespace cannot share a message with visible text, then it is dropped rather than sent alone", () => {
    // 12 spaces between two letters cannot all fit next to one of them in 5-unit parts.
    expect(texts(splitMessage({ text: `x${" ".repeat(12)}y`, entities: [] }, 5))).toEqual(["x    ", "   y"]);
  });
});
