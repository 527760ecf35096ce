import { describe, expect, it } from "vitest";
import { ANSWER_SEGMENT_BREAK, splitForStreaming } from "../src/format/index.ts";

const texts = (parts: readonly { text: string }[]) => parts.map((part) => part.text);

describe("answers in segments", () => {
  it("given text before a segment break, when split, then it is committed as its own finished message and the rest streams on", () => {
    const split = splitForStreaming(`Let me **plot** it.${ANSWER_SEGMENT_BREAK}Here is`);
    expect(texts(split.committed)).toEqual(["Let me plot it."]);
    expect(split.tail).toBe("Here is");
  });

  it("given several breaks, when split, then each segment is committed in order, and an empty segment sends nothing", () => {
    const split = splitForStreaming(
      `One.${ANSWER_SEGMENT_BREAK}${ANSWER_SEGMENT_BREAK}Two.${ANSWER_SEGMENT_BREAK}`,
    );
    expect(texts(split.committed)).toEqual(["One.", "Two."]);
    expect(split.tail).toBe("");
  });

  it("given a growing answer with a break, when split again with more text, then the committed parts only grow", () => {
    const first = splitForStreaming(`Intro.${ANSWER_SEGMENT_BREAK}More`);
    const later = splitForStreaming(
      `Intro.${ANSWER_SEGMENT_BREAK}More text.\n\n${Array.from({ length: 200 }, (_, i) => `Line ${i} of a long answer.`).join("\n\n")}\n\nEnd`,
    );
    expect(texts(later.committed).slice(0, first.committed.length)).toEqual(texts(first.committed));
    expect(later.committed.length).toBeGreaterThan(first.committed.length);
  });
});
