import { renderMarkdown } from "@bot/telegram";
import type { MessageEntity } from "@grammyjs/types";
import { describe, expect, it } from "vitest";
import { botForSuite, FAST_ENV } from "./bot-harness.ts";
import {
  draftCalls,
  entitiesOf,
  messageRequests,
  messageText,
  metricValue,
  nthSent,
  okCalls,
  requestMessages,
  requestSystem,
  textOf,
} from "./e2e-support.ts";

const answers = [
  "Hello, Ann! Happy to help. Tell me what you are working on and I will do my best to answer " +
    "quickly and clearly, with **examples** where they help and without too much detail.",
  "Binary search halves the range on every step: compare with the middle element, then keep the " +
    "half that can still hold the value. It needs a *sorted* array and takes `O(log n)` steps.",
  "Yes. Here is a sketch:\n\n```python\ndef search(items, value):\n    low, high = 0, len(items) - 1\n" +
    "    while low <= high:\n        mid = (low + high) // 2\n        if items[mid] == value:\n" +
    "            return mid\n        if items[mid] < value:\n            low = mid + 1\n        else:\n" +
    "            high = mid - 1\n    return -1\n```\n\nIt returns **-1** when the value is missing.",
];
const questions = ["Hi there", "How does binary search work?", "Can you show it in Python?"];

function codeBlock(language: string, lines: number, from: number): string {
  const body = Array.from(
    { length: lines },
    (_, index) => `    total = accumulate(total, item_${from + index}, "value number ${from + index}")`,
  );
  return `\`\`\`${language}\n${body.join("\n")}\n\`\`\``;
}

describe("given the bot in private chats", () => {
  const bot = botForSuite({ env: FAST_ENV });

  it("when a user has a 3-turn conversation, then each answer streams as growing stoppable drafts, arrives once as the rendered Markdown, and later requests carry the history with cache breakpoints", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Ann" });
    const chat = bot.telegram.privateChat(user);
    const before = messageRequests(bot.anthropic).length;

    for (const [turn, answer] of answers.entries()) {
      bot.anthropic.enqueue({
        kind: "message",
        blocks: [{ type: "text", text: answer }],
        tokensPerSecond: 40,
      });
      const draftsBefore = draftCalls(bot.telegram, chat.id).length;
      bot.telegram.pushText({ chat, from: user, text: questions[turn] as string });
      const final = await nthSent(bot.telegram, chat.id, turn + 1);

      const expected = renderMarkdown(answer);
      expect(textOf(final)).toBe(expected.text);
      expect(entitiesOf(final)).toEqual(expected.entities);

      const drafts = draftCalls(bot.telegram, chat.id).slice(draftsBefore);
      const texts = drafts.map(textOf).filter((text) => text.length > 0);
      expect(texts.length, `drafts of turn ${turn + 1}`).toBeGreaterThanOrEqual(3);
      for (const [index, text] of texts.entries()) {
        if (index > 0) expect(text.length).toBeGreaterThanOrEqual((texts[index - 1] as string).length);
      }
      expect((texts.at(-1) as string).length).toBeGreaterThan((texts[0] as string).length);
      for (const draft of drafts) expect(draft.params).toMatchObject({ can_stop: true });
      // One draft id per answer: the drafts animate one preview.
      expect(new Set(drafts.map((draft) => draft.params.draft_id)).size).toBe(1);
      // No draft is sent after the final message (it would show a stale preview again).
      expect(drafts.every((draft) => draft.at <= final.at)).toBe(true);
    }

    // Exactly one final message per turn, no edits or extra messages.
    expect(okCalls(bot.telegram, "sendMessage", chat.id).map(textOf)).toEqual(
      answers.map((answer) => renderMarkdown(answer).text),
    );
    expect(bot.telegram.botMessages(chat.id).map((message) => message.text)).toEqual(
      answers.map((answer) => renderMarkdown(answer).text),
    );
    expect(bot.telegram.drafts(chat.id)).toHaveLength(3);

    const requests = messageRequests(bot.anthropic).slice(before);
    expect(requests).toHaveLength(3);
    for (const [index, request] of requests.entries()) {
      const messages = requestMessages(request);
      const expectedTurns = questions
        .slice(0, index + 1)
        .flatMap((question, turn) => (turn < index ? [question, answers[turn] as string] : [question]));
      expect(messages.map((message) => message.role)).toEqual(
        expectedTurns.map((_, position) => (position % 2 === 0 ? "user" : "assistant")),
      );
      expect(messages.map(messageText)).toEqual(expectedTurns);

      // The bot-wide system prompt is cached for an hour.
      const system = requestSystem(request);
      expect(system[0]?.cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
      // A rolling breakpoint on the previous answer (the prefix stable from now on).
      const marked = messages.flatMap((message, position) =>
        message.content.some((block) => block.cache_control !== undefined) ? [position] : [],
      );
      expect(marked).toEqual(index === 0 ? [] : [messages.length - 2]);
      expect(messages[messages.length - 2]?.content.at(-1)?.cache_control).toEqual(
        index === 0 ? undefined : { type: "ephemeral" },
      );
    }

    // Operators see each turn's time in the bot and the model's time to first token.
    expect(await metricValue(bot.opsUrl, "bot_turn_overhead_seconds_count")).toBe(3);
    expect(await metricValue(bot.opsUrl, "bot_generation_first_token_seconds_count")).toBe(3);
  });

  it("when an answer is over 10,000 characters with a code block crossing the 4096 limit, then it arrives split into messages within the limit whose texts add up to the rendered answer, the code block closed and reopened", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Long" });
    const chat = bot.telegram.privateChat(user);
    const prose = Array.from(
      { length: 28 },
      (_, index) =>
        `Step ${index + 1} explains **part ${index + 1}** of the loop above, with \`inline code\` and a few more words.`,
    ).join("\n\n");
    const answer = [
      "## A long answer",
      "",
      "Here is the whole implementation:",
      "",
      codeBlock("python", 150, 0),
      "",
      prose,
      "",
      codeBlock("rust", 20, 500),
    ].join("\n");
    expect(answer.length).toBeGreaterThan(10_000);
    bot.anthropic.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: answer }],
      tokensPerSecond: 2000,
    });
    bot.telegram.pushText({ chat, from: user, text: "Write the whole program please" });

    const expected = renderMarkdown(answer);
    // The last part carries the end of the rendered answer.
    const ending = expected.text.slice(-40);
    await bot.telegram.waitFor(
      (call) =>
        call.method === "sendMessage" &&
        call.response.ok === true &&
        Number(call.params.chat_id) === chat.id &&
        textOf(call).endsWith(ending),
      30_000,
    );
    const parts = okCalls(bot.telegram, "sendMessage", chat.id);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) expect(textOf(part).length).toBeLessThanOrEqual(4096);
    for (const draft of draftCalls(bot.telegram, chat.id))
      expect(textOf(draft).length).toBeLessThanOrEqual(4096);

    // In order, the parts are the rendered answer; only the line breaks at the cuts are dropped.
    let cursor = 0;
    for (const [index, part] of parts.entries()) {
      const gap = expected.text.slice(cursor, expected.text.indexOf(textOf(part), cursor));
      expect(gap, `between part ${index} and part ${index + 1}`).toMatch(/^\s*$/);
      expect(expected.text.startsWith(textOf(part), cursor + gap.length), `part ${index + 1}`).toBe(true);
      cursor += gap.length + textOf(part).length;
    }
    expect(cursor).toBe(expected.text.length);
    expect(parts.map(textOf).join("").replace(/\s/g, "")).toBe(expected.text.replace(/\s/g, ""));

    // A code block cut in two is closed at the end of one part and reopened (same language) in the next.
    const pre = (part: (typeof parts)[number]) =>
      entitiesOf(part).filter((entity): entity is MessageEntity.PreMessageEntity => entity.type === "pre");
    let crossings = 0;
    for (let index = 0; index + 1 < parts.length; index++) {
      const current = parts[index] as (typeof parts)[number];
      const next = parts[index + 1] as (typeof parts)[number];
      const closing = pre(current).find((entity) => entity.offset + entity.length === textOf(current).length);
      const opening = pre(next).find((entity) => entity.offset === 0);
      if (closing && opening) {
        crossings++;
        expect(opening.language).toBe(closing.language);
        expect(closing.language).toBe("python");
      }
    }
    expect(crossings).toBeGreaterThanOrEqual(1);
    // Every message is consistent on its own: entities inside its text.
    for (const part of parts) {
      for (const entity of entitiesOf(part)) {
        expect(entity.offset + entity.length).toBeLessThanOrEqual(textOf(part).length);
      }
    }
    // Nothing else was sent: the answer arrived once.
    expect(bot.telegram.botMessages(chat.id)).toHaveLength(parts.length);
    expect(
      messageRequests(bot.anthropic).filter((request) =>
        JSON.stringify(request.body).includes("Write the whole program"),
      ),
    ).toHaveLength(1);
  });
});
