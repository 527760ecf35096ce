import { checkTextAndEntities } from "@bot/testkit";
import { describe, expect, it } from "vitest";
import { type FormattedText, renderMarkdown } from "../src/index.ts";

/** Entities as "type(extra):covered text", which reads better than offsets. */
function spans(formatted: FormattedText): string[] {
  return formatted.entities.map((entity) => {
    const extra =
      entity.type === "pre" && entity.language !== undefined
        ? `(${entity.language})`
        : entity.type === "text_link"
          ? `(${entity.url})`
          : "";
    return `${entity.type}${extra}:${formatted.text.slice(entity.offset, entity.offset + entity.length)}`;
  });
}

function render(markdown: string): { text: string; spans: string[] } {
  const formatted = renderMarkdown(markdown);
  expect(checkTextAndEntities(formatted.text, formatted.entities)).toBeNull();
  return { text: formatted.text, spans: spans(formatted) };
}

describe("given plain paragraphs", () => {
  it("when rendered, then the text is kept and there are no entities", () => {
    expect(render("Hello, world.\nSecond line.\n\nNew paragraph.")).toEqual({
      text: "Hello, world.\nSecond line.\n\nNew paragraph.",
      spans: [],
    });
  });

  it("when there are runs of blank lines and trailing whitespace, then runs collapse to one blank line and the end is trimmed", () => {
    expect(render("\n\na  \n\n\n\n\nb\n \n\t\n\nc   \n\n\n").text).toBe("a\n\nb\n\nc");
  });

  it("when the text looks like HTML, then it stays literal", () => {
    expect(render("<b>bold</b> &amp; <a href='x'>y</a>")).toEqual({
      text: "<b>bold</b> &amp; <a href='x'>y</a>",
      spans: [],
    });
  });

  it("when a line is indented by four spaces, then it is not code", () => {
    expect(render("Text:\n\n    not code")).toEqual({ text: "Text:\n\n    not code", spans: [] });
  });
});

describe("given emphasis markers", () => {
  it("when **, __, *, _, ~~ and || wrap words, then they become bold, bold, italic, italic, strikethrough and spoiler", () => {
    expect(render("**a** __b__ *c* _d_ ~~e~~ ||f||")).toEqual({
      text: "a b c d e f",
      spans: ["bold:a", "bold:b", "italic:c", "italic:d", "strikethrough:e", "spoiler:f"],
    });
  });

  it("when markers sit inside words or numbers, then they stay literal", () => {
    expect(render("snake_case_name, 2*3*4, x**2 + y**2, is_a_file_name.py")).toEqual({
      text: "snake_case_name, 2*3*4, x**2 + y**2, is_a_file_name.py",
      spans: [],
    });
  });

  it("when a marker is followed by a space, then it does not open (2 * 3 * 4)", () => {
    expect(render("2 * 3 * 4 and a ~ b")).toEqual({ text: "2 * 3 * 4 and a ~ b", spans: [] });
  });

  it("when bold and italic nest, then both entities nest properly", () => {
    expect(render("***both*** **bold *and italic* bold** *it **strong** it*").spans).toEqual([
      "bold:both",
      "italic:both",
      "bold:bold and italic bold",
      "italic:and italic",
      "italic:it strong it",
      "bold:strong",
    ]);
  });

  it("when a marker is never closed, then it is shown literally", () => {
    expect(render("**not closed and *neither")).toEqual({ text: "**not closed and *neither", spans: [] });
  });

  it("when single ~ or | appear, then they are text", () => {
    expect(render("~5 min | a ~~~ b")).toEqual({ text: "~5 min | a ~~~ b", spans: [] });
  });

  it("when a backslash escapes a marker, then the character is literal", () => {
    expect(render("\\*not italic\\* \\_x\\_ \\`y\\` \\\\ \\# \\[z] \\(w)")).toEqual({
      text: "*not italic* _x_ `y` \\ # [z] (w)",
      spans: [],
    });
  });

  it("when emphasis spans two lines of a paragraph, then one entity covers both", () => {
    expect(render("**first\nsecond**").spans).toEqual(["bold:first\nsecond"]);
  });
});

describe("given code", () => {
  it("when inline code contains Markdown markers, then they stay literal inside a code entity", () => {
    expect(render("Use `**kwargs` and `[a](http://b)` or `_x_`.")).toEqual({
      text: "Use **kwargs and [a](http://b) or _x_.",
      spans: ["code:**kwargs", "code:[a](http://b)", "code:_x_"],
    });
  });

  it("when a double-backtick span contains a backtick, then it is one code entity", () => {
    expect(render("``a ` b`` and `` `x` ``").spans).toEqual(["code:a ` b", "code:`x`"]);
  });

  it("when code sits inside bold, then bold wraps code", () => {
    expect(render("**run `make` now**").spans).toEqual(["bold:run make now", "code:make"]);
  });

  it("when a fenced block has a language, then the fence lines vanish and it is pre with that language", () => {
    expect(render("Example:\n```python\ndef f(x):\n    return x**2  # *not* italic\n```\nDone.")).toEqual({
      text: "Example:\ndef f(x):\n    return x**2  # *not* italic\nDone.",
      spans: ["pre(python):def f(x):\n    return x**2  # *not* italic"],
    });
  });

  it("when a fence uses tildes, has no language or keeps blank lines, then its content is verbatim", () => {
    expect(render("~~~\na\n\n\n\nb\n~~~")).toEqual({ text: "a\n\n\n\nb", spans: ["pre:a\n\n\n\nb"] });
    expect(renderMarkdown("```\nx\n```").entities[0]).not.toHaveProperty("language");
  });

  it("when a fence is indented inside a list, then its content is de-indented and it still closes", () => {
    expect(render("1. Install:\n   ```bash\n   npm i\n   ```\n2. Run")).toEqual({
      text: "1. Install:\nnpm i\n2. Run",
      spans: ["pre(bash):npm i"],
    });
  });

  it("when a fence is never closed, then the rest of the text is pre", () => {
    expect(render("Start\n```js\nlet a = 1;\n\n**b**")).toEqual({
      text: "Start\nlet a = 1;\n\n**b**",
      spans: ["pre(js):let a = 1;\n\n**b**"],
    });
  });

  it("when a closing fence is longer than the opening one, then it still closes", () => {
    expect(render("```\ncode\n`````\nafter")).toEqual({ text: "code\nafter", spans: ["pre:code"] });
  });

  it("when a code block is empty, then it disappears", () => {
    expect(render("a\n\n```\n\n```\n\nb")).toEqual({ text: "a\n\nb", spans: [] });
  });
});

describe("given links", () => {
  it("when a link has an http URL, then its text becomes a text_link", () => {
    expect(render("See [the docs](https://example.com/docs?a=1) now.")).toEqual({
      text: "See the docs now.",
      spans: ["text_link(https://example.com/docs?a=1):the docs"],
    });
  });

  it("when the URL contains parentheses, then they are part of the URL", () => {
    expect(
      render("[Foo](https://en.wikipedia.org/wiki/Foo_(bar)) and (see [x](https://x.org/a(b)c)).").spans,
    ).toEqual(["text_link(https://en.wikipedia.org/wiki/Foo_(bar)):Foo", "text_link(https://x.org/a(b)c):x"]);
  });

  it("when link text has emphasis, then the link contains it", () => {
    expect(render('[**bold** link](https://e.com "title")').spans).toEqual([
      "text_link(https://e.com):bold link",
      "bold:bold",
    ]);
  });

  it("when the URL is not http, https or tg, then the link stays literal", () => {
    expect(render("[x](javascript:alert(1)) [m](mailto:a@b.c) [r](/relative)").text).toBe(
      "[x](javascript:alert(1)) [m](mailto:a@b.c) [r](/relative)",
    );
  });

  it("when a tg URL is used, then it is a link", () => {
    expect(render("[chat](tg://resolve?domain=telegram)").spans).toEqual([
      "text_link(tg://resolve?domain=telegram):chat",
    ]);
  });

  it("when a bare URL contains underscores or stars, then it is left as text without emphasis", () => {
    expect(render("Go to https://example.com/a_b_c/*x* now, or **https://e.com/q_a**.")).toEqual({
      text: "Go to https://example.com/a_b_c/*x* now, or https://e.com/q_a.",
      spans: ["bold:https://e.com/q_a"],
    });
  });

  it("when brackets are not a link, then they stay literal", () => {
    expect(render("[1] and [a] (b) and [c]").text).toBe("[1] and [a] (b) and [c]");
  });

  it("when the link text has spaces at its edges, then the entity is trimmed to the words", () => {
    expect(render("[ text ](https://e.com)").spans).toEqual(["text_link(https://e.com):text"]);
  });
});

describe("given block structure", () => {
  it("when headings of every level appear, then each becomes a bold line", () => {
    expect(render("# One\n## Two *it*\n###### Six ##\ntext")).toEqual({
      text: "One\nTwo it\nSix\ntext",
      spans: ["bold:One", "bold:Two it", "italic:it", "bold:Six"],
    });
  });

  it("when a line starts with #word, then it is not a heading (Telegram shows a hashtag)", () => {
    expect(render("#hashtag here")).toEqual({ text: "#hashtag here", spans: [] });
  });

  it("when quote lines follow each other, then they merge into one blockquote", () => {
    expect(render("> first **b**\n> second\n\n> other\n\nafter")).toEqual({
      text: "first b\nsecond\n\nother\n\nafter",
      spans: ["blockquote:first b\nsecond", "bold:b", "blockquote:other"],
    });
  });

  it("when a quote is nested, then it is flattened into the outer quote", () => {
    expect(render("> outer\n> > inner")).toEqual({
      text: "outer\ninner",
      spans: ["blockquote:outer\ninner"],
    });
  });

  it("when a quote has more than 12 lines or 800 characters, then it is expandable", () => {
    const lines = Array.from({ length: 13 }, (_, i) => `> line ${i}`).join("\n");
    expect(renderMarkdown(lines).entities.map((e) => e.type)).toEqual(["expandable_blockquote"]);
    expect(renderMarkdown(`> ${"word ".repeat(170)}`).entities.map((e) => e.type)).toEqual([
      "expandable_blockquote",
    ]);
    expect(renderMarkdown(Array.from({ length: 12 }, () => "> x").join("\n")).entities[0]?.type).toBe(
      "blockquote",
    );
  });

  it("when a list uses -, * and + bullets, then they become • and indentation stays", () => {
    expect(render("- one\n* two **b**\n+ three\n  - nested\n    * deeper")).toEqual({
      text: "• one\n• two b\n• three\n  • nested\n    • deeper",
      spans: ["bold:b"],
    });
  });

  it("when a list is ordered, then its markers are kept", () => {
    expect(render("1. first\n2) second\n10. tenth").text).toBe("1. first\n2) second\n10. tenth");
  });

  it("when a line starts with bold, then it is not a list item", () => {
    expect(render("**Note**: careful").spans).toEqual(["bold:Note"]);
  });

  it("when a horizontal rule appears, then it becomes a line of dashes", () => {
    expect(render("above\n\n---\n\n- - -\n***\nbelow").text).toBe("above\n\n———\n\n———\n———\nbelow");
  });
});

describe("given a table", () => {
  it("when it has a separator row, then it becomes an aligned pre block without markup", () => {
    expect(
      render("Data:\n\n| Name | Qty |\n|:-----|----:|\n| **Apple** | 3 |\n| `Kiwi` | 12 |\n\nEnd"),
    ).toEqual({
      text: "Data:\n\nName  | Qty\n------|----\nApple |   3\nKiwi  |  12\n\nEnd",
      spans: ["pre:Name  | Qty\n------|----\nApple |   3\nKiwi  |  12"],
    });
  });

  it("when cells hold CJK text, then columns are padded by display width", () => {
    expect(render("| 名前 | x |\n|---|---|\n| a | b |").text).toBe("名前 | x\n-----|--\na    | b");
  });

  it("when pipes appear without a separator row, then they are plain text", () => {
    expect(render("a | b\nc | d").text).toBe("a | b\nc | d");
  });
});

describe("given LaTeX", () => {
  it("when display math uses $$ or \\[ \\], then it becomes pre with language latex", () => {
    expect(render("$$\n\\int_0^1 x\\,dx\n$$\n\n\\[ a^2 + b^2 \\]").spans).toEqual([
      "pre(latex):\\int_0^1 x\\,dx",
      "pre(latex):a^2 + b^2",
    ]);
  });

  it("when inline math uses $…$ or \\( \\), then it becomes code", () => {
    expect(render("Let $x^2$ and \\( y_1 \\) be given.")).toEqual({
      text: "Let x^2 and y_1 be given.",
      spans: ["code:x^2", "code:y_1"],
    });
  });

  it("when dollars are currency, then they stay text", () => {
    expect(render("It costs $5 and $10, or $5-$10, US$3 and $ 4$.")).toEqual({
      text: "It costs $5 and $10, or $5-$10, US$3 and $ 4$.",
      spans: [],
    });
  });
});

describe("given text outside the Basic Multilingual Plane", () => {
  it("when emoji precede formatting, then offsets count UTF-16 code units", () => {
    const formatted = renderMarkdown("😀 **hi** 👨‍👩‍👧 *yo*");
    expect(formatted.text).toBe("😀 hi 👨‍👩‍👧 yo");
    expect(formatted.entities).toEqual([
      { type: "bold", offset: 3, length: 2 },
      { type: "italic", offset: 15, length: 2 },
    ]);
  });

  it("when formatting wraps emoji and CJK, then the entity covers whole surrogate pairs", () => {
    const formatted = renderMarkdown("中文 **😀𝕏** _斜体_");
    expect(formatted.text).toBe("中文 😀𝕏 斜体");
    expect(formatted.entities).toEqual([
      { type: "bold", offset: 3, length: 4 },
      { type: "italic", offset: 8, length: 2 },
    ]);
  });
});

describe("given whitespace around entities", () => {
  it("when a heading or quote ends in spaces, then entities end at the last visible character", () => {
    expect(render("#   Title   \n>   spaced   ").spans).toEqual(["bold:Title", "blockquote:spaced"]);
  });

  it("when code is only spaces, then it has no entity", () => {
    expect(render("a ` ` b").spans).toEqual([]);
  });

  it("when a marker pair has nothing but spaces inside, then no entity covers them", () => {
    expect(render("**  ** and ~~ ~~").spans).toEqual([]);
  });
});
