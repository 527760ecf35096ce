import { renderMarkdown, textsFor } from "@bot/telegram";
import type { RecordedAnthropicRequest, RecordedCall } from "@bot/testkit";
import { describe, expect, it } from "vitest";
import { botForSuite, FAST_ENV } from "./bot-harness.ts";
import {
  draftWithText,
  entitiesOf,
  messageRequests,
  messageText,
  nthRequest,
  okCalls,
  requestMessages,
  sentMatching,
  sleep,
  textOf,
  waitUntil,
} from "./e2e-support.ts";

const en = textsFor("en");
const MARKER = "[interrupted]";

/** A long plain-text answer: its rendered text equals the source, so partial answers are its prefixes. */
function longAnswer(topic: string): string {
  return Array.from(
    { length: 12 },
    (_, index) => `Sentence ${index + 1} about ${topic} keeps going for a while so there is time to stop it.`,
  ).join(" ");
}

/** Checks a final message is `partial` + the italic "[interrupted]" marker; returns the partial. */
function interruptedPartOf(call: RecordedCall, full: string): string {
  const text = textOf(call);
  expect(text.endsWith(`\n\n${MARKER}`), text).toBe(true);
  expect(entitiesOf(call)).toContainEqual({
    type: "italic",
    offset: text.length - MARKER.length,
    length: MARKER.length,
  });
  const partial = text.slice(0, -(MARKER.length + 2));
  expect(partial.length).toBeGreaterThan(0);
  expect(partial.length).toBeLessThan(full.length);
  expect(full.startsWith(partial)).toBe(true);
  return partial;
}

async function aborted(request: RecordedAnthropicRequest): Promise<void> {
  await waitUntil(
    () => request.aborted,
    10_000,
    () => "the model request to be aborted",
  );
}

describe("given an answer being written", () => {
  const bot = botForSuite({ env: FAST_ENV });

  it("when the user sends /stop mid-stream, then the partial answer is kept with an italic [interrupted] marker, the model request is aborted, the bot says Stopped, and the next request carries the partial answer", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Stopper" });
    const chat = bot.telegram.privateChat(user);
    const full = longAnswer("stopping");
    const before = messageRequests(bot.anthropic).length;
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: full }], tokensPerSecond: 10 });
    bot.telegram.pushText({ chat, from: user, text: "Tell me a long story" });
    const request = await nthRequest(bot.anthropic, before + 1);
    await draftWithText(bot.telegram, chat.id, 20);

    bot.telegram.pushCommand({ chat, from: user, command: "stop" });
    const final = await sentMatching(bot.telegram, chat.id, (text) => text.endsWith(MARKER));
    const partial = interruptedPartOf(final, full);
    await sentMatching(bot.telegram, chat.id, (text) => text === en.stopped);
    await aborted(request);
    expect(request.completed).toBe(false);

    // The next turn sends the partial answer, marked interrupted, as history.
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "Fine, moving on." }] });
    bot.telegram.pushText({ chat, from: user, text: "Never mind" });
    const next = await nthRequest(bot.anthropic, before + 2);
    expect(requestMessages(next).map(messageText)).toEqual([
      "Tell me a long story",
      `${partial}\n\n${MARKER}`,
      "Never mind",
    ]);
    await sentMatching(bot.telegram, chat.id, (text) => text === "Fine, moving on.");
    expect(okCalls(bot.telegram, "sendMessage", chat.id).map(textOf)).toEqual(
      expect.arrayContaining([textOf(final), en.stopped, "Fine, moving on."]),
    );
    expect(okCalls(bot.telegram, "sendMessage", chat.id)).toHaveLength(3);
    // With the answer done, there is nothing left to stop.
    bot.telegram.pushCommand({ chat, from: user, command: "stop" });
    await sentMatching(bot.telegram, chat.id, (text) => text === en.nothingToStop);
  });

  it("when a new message arrives during an answer, then the answer is cut and marked interrupted and the new message is answered next, with the partial answer in its history", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Impatient" });
    const chat = bot.telegram.privateChat(user);
    const full = longAnswer("patience");
    const second = "Sure, here is the **short** version.";
    const before = messageRequests(bot.anthropic).length;
    bot.anthropic.enqueue(
      { kind: "message", blocks: [{ type: "text", text: full }], tokensPerSecond: 10 },
      { kind: "message", blocks: [{ type: "text", text: second }], tokensPerSecond: 40 },
    );
    bot.telegram.pushText({ chat, from: user, text: "Explain patience" });
    const first = await nthRequest(bot.anthropic, before + 1);
    await draftWithText(bot.telegram, chat.id, 20);

    bot.telegram.pushText({ chat, from: user, text: "Actually, make it short" });
    const cut = await sentMatching(bot.telegram, chat.id, (text) => text.endsWith(MARKER));
    const partial = interruptedPartOf(cut, full);
    await aborted(first);

    const next = await nthRequest(bot.anthropic, before + 2);
    expect(requestMessages(next).map(messageText)).toEqual([
      "Explain patience",
      `${partial}\n\n${MARKER}`,
      "Actually, make it short",
    ]);
    const answer = await sentMatching(bot.telegram, chat.id, (text) => text === renderMarkdown(second).text);
    expect(answer.at).toBeGreaterThanOrEqual(cut.at);
    await sleep(500);
    expect(okCalls(bot.telegram, "sendMessage", chat.id).map(textOf)).toEqual([textOf(cut), textOf(answer)]);
    expect(messageRequests(bot.anthropic)).toHaveLength(before + 2);
  });

  it("when the user presses the draft's stop button, then the answer stops like with /stop", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ first_name: "Button" });
    const chat = bot.telegram.privateChat(user);
    const full = longAnswer("buttons");
    const before = messageRequests(bot.anthropic).length;
    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: full }], tokensPerSecond: 10 });
    bot.telegram.pushText({ chat, from: user, text: "Talk about buttons" });
    const request = await nthRequest(bot.anthropic, before + 1);
    const draft = await draftWithText(bot.telegram, chat.id, 20);
    const draftId = Number(draft.params.draft_id);
    expect(draftId).toBeGreaterThan(0);

    bot.telegram.pushStoppedGeneration({ chat, draftId });
    const final = await sentMatching(bot.telegram, chat.id, (text) => text.endsWith(MARKER));
    const partial = interruptedPartOf(final, full);
    await aborted(request);
    await sleep(500);
    // Only the partial answer: no "nothing to stop", no error, no second answer.
    expect(okCalls(bot.telegram, "sendMessage", chat.id).map(textOf)).toEqual([textOf(final)]);
    expect(bot.telegram.drafts(chat.id)).toEqual([
      expect.objectContaining({ draft_id: draftId, stopped: true }),
    ]);

    bot.anthropic.enqueue({ kind: "message", blocks: [{ type: "text", text: "Stopped it is." }] });
    bot.telegram.pushText({ chat, from: user, text: "Thanks" });
    const next = await nthRequest(bot.anthropic, before + 2);
    expect(requestMessages(next).map(messageText)).toEqual([
      "Talk about buttons",
      `${partial}\n\n${MARKER}`,
      "Thanks",
    ]);
  });
});
