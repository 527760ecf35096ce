import { checkTextAndEntities } from "@bot/testkit";
import { describe, expect, it } from "vitest";
import { type FormattedText, renderMarkdown } from "../src/index.ts";

function spans(formatted: FormattedText): string[] {
  return formatted.entities.map((entity) => {
    const extra = entity.type === "pre" && entity.language !== undefined ? `(${entity.language})` : "";
    return `${entity.type}${extra}:${formatted.text.slice(entity.offset, entity.offset + entity.length)}`;
  });
}

function streaming(markdown: string): { text: string; spans: string[] } {
  const formatted = renderMarkdown(markdown, { partial: true });
  expect(checkTextAndEntities(formatted.text, formatted.entities, 4096, true)).toBeNull();
  return { text: formatted.text, spans: spans(formatted) };
}

function final(markdown: string): { text: string; spans: string[] } {
  const formatted = renderMarkdown(markdown);
  return { text: formatted.text, spans: spans(formatted) };
}

describe("given an answer still streaming", () => {
  it("when ** is not closed yet, then the rest of the paragraph is bold", () => {
    expect(streaming("Hello **wor")).toEqual({ text: "Hello wor", spans: ["bold:wor"] });
  });

  it("when the closer is half typed or complete, then the view is the same as before (no flicker)", () => {
    const views = ["Hello **world", "Hello **world*", "Hello **world**"].map(streaming);
    expect(new Set(views.map((view) => JSON.stringify(view))).size).toBe(1);
    expect(views[0]).toEqual({ text: "Hello world", spans: ["bold:world"] });
  });

  it("when *, _, ~~ or || are not closed yet, then they style the rest of the paragraph", () => {
    expect(streaming("a *b c").spans).toEqual(["italic:b c"]);
    expect(streaming("a _b c").spans).toEqual(["italic:b c"]);
    expect(streaming("a ~~b c").spans).toEqual(["strikethrough:b c"]);
    expect(streaming("a ||b c").spans).toEqual(["spoiler:b c"]);
    expect(streaming("a ***b c").spans).toEqual(["bold:b c", "italic:b c"]);
  });

  it("when the text ends in a lone *, _, ` or ~, then it is hidden", () => {
    expect(streaming("Tip *").text).toBe("Tip");
    expect(streaming("Tip _").text).toBe("Tip");
    expect(streaming("Tip `").text).toBe("Tip");
    expect(streaming("Tip ~").text).toBe("Tip");
    expect(final("Tip *").text).toBe("Tip *");
  });

  it("when a marker was left open in an earlier, finished paragraph, then it is literal there", () => {
    expect(streaming("**not bold\n\nnow *it")).toEqual({
      text: "**not bold\n\nnow it",
      spans: ["italic:it"],
    });
  });

  it("when inline code is not closed, then the rest is code; when final, the backtick is literal", () => {
    expect(streaming("Run `npm ins")).toEqual({ text: "Run npm ins", spans: ["code:npm ins"] });
    expect(streaming("Run ``a`b")).toEqual({ text: "Run a`b", spans: ["code:a`b"] });
    expect(streaming("Run ``a`b`")).toEqual({ text: "Run a`b", spans: ["code:a`b"] });
    expect(final("Run `npm ins")).toEqual({ text: "Run `npm ins", spans: [] });
  });

  it("when a code fence is open mid-stream, then everything after it is pre with the language", () => {
    expect(streaming("Code:\n```python\nfor i in range(3):\n    print(i **")).toEqual({
      text: "Code:\nfor i in range(3):\n    print(i **",
      spans: ["pre(python):for i in range(3):\n    print(i **"],
    });
  });

  it("when the closing fence is being typed, then its backticks are hidden", () => {
    expect(streaming("```sh\nls\n`")).toEqual({ text: "ls", spans: ["pre(sh):ls"] });
    expect(streaming("```sh\nls\n``")).toEqual({ text: "ls", spans: ["pre(sh):ls"] });
    expect(streaming("```sh\nls\n```\nnext")).toEqual({ text: "ls\nnext", spans: ["pre(sh):ls"] });
  });

  it("when only the fence line has arrived, then nothing is shown for it yet", () => {
    expect(streaming("Intro\n\n```pyt")).toEqual({ text: "Intro", spans: [] });
  });

  it("when a final answer has an unclosed fence, then the rest is still pre", () => {
    expect(final("```\nno end")).toEqual({ text: "no end", spans: ["pre:no end"] });
  });

  it("when a link's URL is incomplete, then only its text shows; final shows it literally", () => {
    expect(streaming("See [the **docs**](https://exa")).toEqual({
      text: "See the docs",
      spans: ["bold:docs"],
    });
    expect(streaming("See [the docs](")).toEqual({ text: "See the docs", spans: [] });
    expect(final("See [the docs](https://exa").text).toBe("See [the docs](https://exa");
    expect(streaming("See [the docs](https://example.com) ok").spans).toEqual(["text_link:the docs"]);
  });

  it("when brackets have no destination yet, then they are shown as written", () => {
    expect(streaming("See [1]").text).toBe("See [1]");
    expect(streaming("See [the do").text).toBe("See [the do");
  });

  it("when display math is open, then the rest is latex pre", () => {
    expect(streaming("$$\n\\frac{a}{b")).toEqual({ text: "\\frac{a}{b", spans: ["pre(latex):\\frac{a}{b"] });
    expect(streaming("so \\(x + ")).toEqual({ text: "so x +", spans: ["code:x +"] });
  });

  it("when an open heading, list item or quote is being written, then its unclosed markers apply to it", () => {
    expect(streaming("# Big **tit").spans).toEqual(["bold:Big tit"]);
    expect(streaming("- item *emph").spans).toEqual(["italic:emph"]);
    expect(streaming("> quoted **str").spans).toEqual(["blockquote:quoted str", "bold:str"]);
  });

  it("when a bold paragraph streams in character by character, then no * is ever visible", () => {
    const answer = "This is **very important** and *that* too.";
    for (let end = 1; end <= answer.length; end++) {
      expect(streaming(answer.slice(0, end)).text).not.toContain("*");
    }
  });
});
