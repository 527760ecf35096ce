import { priceToolUse, threadStream } from "@bot/domain";
import { modelRegistry } from "@bot/llm";
import {
  type AnthropicScript,
  type FakeE2B,
  type FakeGemini,
  type RecordedAnthropicRequest,
  startFakeE2B,
  startFakeGemini,
} from "@bot/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botForSuite, FAST_ENV } from "./bot-harness.ts";
import {
  messageRequests,
  metricValue,
  privateThread,
  type ReplayedEvent,
  readModelBalance,
  readStreamEvents,
  sentMatching,
  withBotLogs,
} from "./e2e-support.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

interface Block {
  readonly type: string;
  readonly text?: string;
  readonly content?: string | readonly Block[];
  readonly tool_use_id?: string;
}

/** The blocks of the request's last message. */
function lastBlocks(request: RecordedAnthropicRequest): readonly Block[] {
  const messages = request.body.messages as readonly { content: readonly Block[] }[];
  return messages.at(-1)?.content ?? [];
}

/** The JSON of the tool result answering `toolUseId` in the request's last message. */
function toolResult(request: RecordedAnthropicRequest, toolUseId: string): Record<string, unknown> {
  const block = lastBlocks(request).find(
    (candidate) => candidate.type === "tool_result" && candidate.tool_use_id === toolUseId,
  );
  const content = block?.content;
  const text =
    typeof content === "string" ? content : (content?.find((part) => part.type === "text")?.text ?? "");
  return JSON.parse(text) as Record<string, unknown>;
}

/** The file id the bot gave the user's file, from its label in the request. */
function labelledFileId(request: RecordedAnthropicRequest, name: string): string {
  const label = lastBlocks(request).find((block) => block.type === "text" && block.text?.includes(name));
  const match = /\[file ([0-9a-f-]{36}):/.exec(label?.text ?? "");
  if (!match?.[1]) throw new Error(`no label for ${name} in the request`);
  return match[1];
}

const ofType = (events: readonly ReplayedEvent[], type: string) =>
  events.filter((event) => event.type === type);

describe("given the bot with Python and image tools", () => {
  let e2b: FakeE2B;
  let gemini: FakeGemini;
  const env: Record<string, string> = { ...FAST_ENV };
  beforeAll(async () => {
    e2b = await startFakeE2B();
    gemini = await startFakeGemini();
    Object.assign(env, {
      E2B_API_KEY: e2b.apiKey,
      E2B_API_URL: e2b.apiUrl,
      E2B_SANDBOX_URL: e2b.sandboxUrl,
      GEMINI_API_KEY: gemini.apiKey,
      GOOGLE_GEMINI_BASE_URL: gemini.baseUrl,
      WEB_FETCH_MAX_USES: "0",
    });
  });
  const bot = botForSuite({ env });
  afterAll(async () => {
    await e2b?.close();
    await gemini?.close();
  });

  it("when a user asks to plot a CSV, then Python runs on it in a sandbox, the chart is delivered with its caption, and every model call and the sandbox time are charged once", {
    timeout: 90_000,
  }, async () => {
    const user = bot.telegram.user({ id: 5201, first_name: "Analyst", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    e2b.enqueueExecution({
      kind: "execution",
      steps: [
        { type: "stdout", text: "rows: 3\n" },
        { type: "file", path: "/tmp/chart.png", data: PNG },
      ],
    });
    let step = 0;
    bot.anthropic.respondWith((request): AnthropicScript => {
      step += 1;
      if (step === 1) {
        const csv = labelledFileId(request, "sales.csv");
        return {
          kind: "message",
          blocks: [
            { type: "text", text: "Let me plot it." },
            {
              type: "tool_use",
              id: "toolu_py",
              name: "execute_python",
              input: { code: "import matplotlib\nplt.savefig('/tmp/chart.png')", input_files: [csv] },
            },
          ],
        };
      }
      if (step === 2) {
        const files = toolResult(request, "toolu_py").files as readonly { file_id: string; name: string }[];
        const chart = files.find((file) => file.name === "chart.png");
        return {
          kind: "message",
          blocks: [
            {
              type: "tool_use",
              id: "toolu_send",
              name: "deliver_file",
              input: { file_id: chart?.file_id, caption: "Sales by month", sequential: true },
            },
          ],
        };
      }
      return { kind: "message", blocks: [{ type: "text", text: "Here is your chart." }] };
    });
    bot.telegram.pushDocument({
      chat,
      from: user,
      bytes: Buffer.from("month,sales\njan,10\nfeb,12\nmar,9\n"),
      fileName: "sales.csv",
      mimeType: "text/csv",
      caption: "Plot this",
    });

    const photo = await withBotLogs(
      bot.logs,
      bot.telegram.waitFor(
        (call) => call.method === "sendPhoto" && Number(call.params.chat_id) === chat.id,
        40_000,
      ),
    );
    expect(photo.params.caption).toBe("Sales by month");
    // sequential: the text written before the chart was sent first, the rest after it.
    const order = bot.telegram
      .calls()
      .filter((call) => Number(call.params.chat_id) === chat.id && call.response.ok === true)
      .filter((call) => call.method === "sendPhoto" || call.method === "sendMessage")
      .map((call) => (call.method === "sendPhoto" ? "[chart]" : String(call.params.text)));
    await sentMatching(bot.telegram, chat.id, (text) => text.includes("Here is your chart."), 40_000);
    const sent = bot.telegram
      .calls()
      .filter((call) => Number(call.params.chat_id) === chat.id && call.response.ok === true)
      .filter((call) => call.method === "sendPhoto" || call.method === "sendMessage")
      .map((call) => (call.method === "sendPhoto" ? "[chart]" : String(call.params.text)));
    expect(order).toEqual(["Let me plot it.", "[chart]"]);
    expect(sent).toEqual(["Let me plot it.", "[chart]", "Here is your chart."]);
    // /balance reads at the log's head: once it answers, the read model has every charge.
    bot.telegram.pushCommand({ chat, from: user, command: "balance" });
    await sentMatching(bot.telegram, chat.id, (text) => text.startsWith("Balance:"));
    const toolCalls = await metricValue(bot.opsUrl, "bot_tool_calls_total");
    const toolSpend = await metricValue(bot.opsUrl, "bot_tool_charged_nano_usd_total");
    expect(messageRequests(bot.anthropic)).toHaveLength(3);
    const sandbox = e2b.sandboxes()[0];
    expect(sandbox?.executions).toBeGreaterThanOrEqual(1);
    const paths = [...e2b.files(sandbox?.sandboxId ?? "").keys()];
    expect(paths.some((path) => path.startsWith("/tmp/inputs/"))).toBe(true);

    expect(await bot.kill("SIGTERM")).toBe(0);
    const events = await readStreamEvents(bot.dataDir, threadStream(privateThread(user.id)));
    const charges = ofType(events, "UsageCharged").map((event) => event.data);
    expect(charges.map((charge) => charge.callIndex)).toEqual([0, 1, 2]);
    const [toolCharge] = ofType(events, "ToolCharged").map((event) => event.data);
    const prices = modelRegistry.toolPrices("execute_python")?.prices ?? {};
    expect(toolCharge).toMatchObject({ name: "execute_python", userId: user.id });
    expect(toolCharge?.amount).toBe(priceToolUse(toolCharge?.quantities as Record<string, number>, prices));
    // What an operator graphs: both tool calls and the sandbox's charge.
    expect(toolCalls).toBe(2);
    expect(toolSpend).toBe(Number(toolCharge?.userAmount));
    expect(ofType(events, "ToolCompleted").map((event) => [event.data.name, event.data.ok])).toEqual([
      ["execute_python", true],
      ["deliver_file", true],
    ]);
    const outputs = ofType(events, "FileReceived").filter((event) => event.data.source === "assistant");
    expect(outputs.map((event) => event.data.name)).toContain("chart.png");
    expect(ofType(events, "FileDelivered")[0]?.data).toMatchObject({
      sentAs: "photo",
      caption: "Sales by month",
    });
    // The balance moved by exactly the sum of every model call and the sandbox charge.
    const charged = [...charges, toolCharge].reduce(
      (sum, charge) => sum + BigInt(Number(charge?.userAmount ?? 0)),
      0n,
    );
    expect(charged).toBeGreaterThan(0n);
    expect(await readModelBalance(bot.dataDir, user.id)).toBe(100_000_000_000n - charged);
    await bot.start();
  });

  it("when a user asks for a 4K image, then Gemini makes it, it is charged at the 4K price and delivered as a document", {
    timeout: 90_000,
  }, async () => {
    const user = bot.telegram.user({ id: 5202, first_name: "Artist", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    gemini.enqueue({ kind: "response", parts: [{ text: "A sunrise." }, { image: "requested" }] });
    let step = 0;
    bot.anthropic.respondWith((request): AnthropicScript => {
      step += 1;
      if (step === 1) {
        return {
          kind: "message",
          blocks: [
            {
              type: "tool_use",
              id: "toolu_img",
              name: "generate_image",
              input: { prompt: "a sunrise", aspect_ratio: "1:1", image_size: "4K" },
            },
          ],
        };
      }
      if (step === 2) {
        const made = toolResult(request, "toolu_img");
        return {
          kind: "message",
          blocks: [
            {
              type: "tool_use",
              id: "toolu_doc",
              name: "deliver_file",
              input: { file_id: made.file_id, send_as: "document", caption: "Sunrise, 4K" },
            },
          ],
        };
      }
      return { kind: "message", blocks: [{ type: "text", text: "Sent in full resolution." }] };
    });
    bot.telegram.pushText({ chat, from: user, text: "Draw a sunrise in 4K" });

    const document = await withBotLogs(
      bot.logs,
      bot.telegram.waitFor(
        (call) => call.method === "sendDocument" && Number(call.params.chat_id) === chat.id,
        40_000,
      ),
    );
    expect(document.params.caption).toBe("Sunrise, 4K");
    expect(gemini.requests.at(-1)?.summary).toMatchObject({ imageSize: "4K", aspectRatio: "1:1" });
    await sentMatching(bot.telegram, chat.id, (text) => text.includes("Sent in full resolution."), 40_000);

    expect(await bot.kill("SIGTERM")).toBe(0);
    const events = await readStreamEvents(bot.dataDir, threadStream(privateThread(user.id)));
    expect(ofType(events, "ToolCharged").map((event) => event.data)).toEqual([
      expect.objectContaining({ name: "generate_image", quantities: { images4k: 1 }, amount: 240_000_000 }),
    ]);
    await bot.start();
  });

  it("when the model searches the web, then each search is charged with the call that made it", {
    timeout: 60_000,
  }, async () => {
    const user = bot.telegram.user({ id: 5203, first_name: "Curious", language_code: "en" });
    const chat = bot.telegram.privateChat(user);
    bot.anthropic.respondWith(
      (): AnthropicScript => ({
        kind: "message",
        blocks: [
          { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "weather" } },
          {
            type: "web_search_tool_result",
            toolUseId: "srvtoolu_1",
            content: [
              {
                type: "web_search_result",
                url: "https://example.com",
                title: "Weather",
                encrypted_content: "x",
                page_age: null,
              },
            ],
          },
          { type: "text", text: "It is sunny." },
        ],
      }),
    );
    bot.telegram.pushText({ chat, from: user, text: "Weather?" });
    await withBotLogs(
      bot.logs,
      sentMatching(bot.telegram, chat.id, (text) => text.includes("It is sunny."), 40_000),
    );
    const request = messageRequests(bot.anthropic).at(-1);
    const tools = (request?.body.tools ?? []) as readonly { name?: string; type?: string }[];
    expect(tools.some((tool) => tool.name === "web_search")).toBe(true);
    expect(tools.some((tool) => tool.name === "web_fetch")).toBe(false);

    expect(await bot.kill("SIGTERM")).toBe(0);
    const events = await readStreamEvents(bot.dataDir, threadStream(privateThread(user.id)));
    const [charge] = ofType(events, "UsageCharged").map((event) => event.data);
    expect(charge?.quantities).toMatchObject({ webSearchRequests: 1 });
  });
});
