import { checkTextAndEntities } from "@bot/testkit";
import { describe, expect, it } from "vitest";
import { interruptedMarker, plainText, renderMarkdown, withSuffix } from "../src/index.ts";

describe("given formatted text", () => {
  it("when Telegram rejects its entities, then plainText gives the bare text to send instead", () => {
    expect(plainText(renderMarkdown("**Hello** [world](https://e.com)"))).toBe("Hello world");
  });

  it("when an interrupted marker is appended, then it follows on a new line in italics", () => {
    const answer = renderMarkdown("Partial **answer**");
    const result = withSuffix(answer, interruptedMarker());
    expect(result).toEqual({
      text: "Partial answer\n[interrupted]",
      entities: [
        { type: "bold", offset: 8, length: 6 },
        { type: "italic", offset: 15, length: 13 },
      ],
    });
    expect(checkTextAndEntities(result.text, result.entities)).toBeNull();
  });

  it("when the caller passes a localized label and a separator, then they are used", () => {
    expect(withSuffix({ text: "😀", entities: [] }, interruptedMarker("прервано"), " ")).toEqual({
      text: "😀 [прервано]",
      entities: [{ type: "italic", offset: 3, length: 10 }],
    });
  });

  it("when either side is empty, then no separator is added", () => {
    const marker = interruptedMarker();
    expect(withSuffix({ text: "", entities: [] }, marker)).toEqual(marker);
    expect(withSuffix({ text: "done", entities: [] }, { text: "", entities: [] })).toEqual({
      text: "done",
      entities: [],
    });
  });
});
