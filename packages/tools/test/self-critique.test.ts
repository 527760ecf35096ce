import { nanoUsd } from "@bot/domain";
import { AnthropicProvider, modelRegistry } from "@bot/llm";
import { type FakeAnthropic, startFakeAnthropic } from "@bot/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createSelfCritiqueTool, SELF_CRITIQUE_LIMIT_NANO_USD } from "../src/critique/self-critique-tool.ts";
import { fakeToolRun } from "../src/toolbox/fake-tool-context.ts";

const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const model = modelRegistry.getModel("claude-opus-5-5");

async function setup() {
  const fake = await startFakeAnthropic();
  fakes.push(fake);
  const provider = new AnthropicProvider({ apiKey: "k", baseURL: fake.baseURL, maxRetries: 0 });
  return { fake, tool: createSelfCritiqueTool({ provider, model, webSearchPriceNanoUsd: 10_000_000 }) };
}

const rich = { balance: nanoUsd(5_000_000_000), privileged: false };
const input = { draft: "2 + 2 = 5", question: "What is 2 + 2?" };

describe("self_critique", () => {
  it("given a balance over $1, when a draft is reviewed, then the verdict comes back structured and every sub-cost is charged in one charge", async () => {
    const { fake, tool } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [
        { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "2+2" } },
        { type: "web_search_tool_result", toolUseId: "srvtoolu_1", content: [] },
        {
          type: "text",
          text: '```json\n{"verdict":"revise","summary":"Arithmetic error.","issues":[{"severity":"critical","description":"2 + 2 is 4","suggestion":"Say 4."}]}\n```',
        },
      ],
      usage: { input_tokens: 2000, output_tokens: 100 },
    });
    const run = fakeToolRun({ standing: rich });

    const outcome = await tool.run(input, run.context);

    expect(outcome.ok).toBe(true);
    expect(JSON.parse(String(outcome.content))).toMatchObject({
      verdict: "revise",
      issues: [{ severity: "critical" }],
    });
    expect(outcome.charge?.quantities).toEqual({
      inputTokens: 2000,
      outputTokens: 100,
      webSearchRequests: 1,
    });
    const expected = 2000 * model.prices.input + 100 * model.prices.output + 10_000_000;
    expect(outcome.charge).toMatchObject({ amount: expected, userAmount: expected });
    const body = fake.requests.at(-1)?.body as { model: string; tools: { name: string }[] };
    expect(body.model).toBe(model.id);
    expect(body.tools.map((spec) => spec.name)).toEqual(["web_search"]);
  });

  it("given a review that costs more than $1, when charged, then the user pays $1 and the event keeps the full cost", async () => {
    const { fake, tool } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: '{"verdict":"pass","summary":"Fine.","issues":[]}' }],
      usage: { input_tokens: 400_000, output_tokens: 10 },
    });
    const outcome = await tool.run(input, fakeToolRun({ standing: rich }).context);
    expect(outcome.charge?.amount).toBeGreaterThan(SELF_CRITIQUE_LIMIT_NANO_USD);
    expect(outcome.charge?.userAmount).toBe(SELF_CRITIQUE_LIMIT_NANO_USD);
  });

  it("given a balance under $1, when a review is asked, then it is refused before any call", async () => {
    const { fake, tool } = await setup();
    const outcome = await tool.run(
      input,
      fakeToolRun({ standing: { balance: nanoUsd(500_000_000), privileged: false } }).context,
    );
    expect(outcome).toMatchObject({ ok: false, errorKind: "insufficient_balance", charge: null });
    expect(String(outcome.content)).toContain("$1.00");
    expect(fake.requests).toHaveLength(0);
  });

  it("given a reviewer that does not return a verdict, when reviewed, then the failure says so and the tokens are still charged", async () => {
    const { fake, tool } = await setup();
    fake.enqueue({
      kind: "message",
      blocks: [{ type: "text", text: "Looks good to me!" }],
      usage: { input_tokens: 100, output_tokens: 5 },
    });
    const outcome = await tool.run(input, fakeToolRun({ standing: rich }).context);
    expect(outcome).toMatchObject({ ok: false, errorKind: "bad_output" });
    expect(outcome.charge?.amount).toBeGreaterThan(0);
  });
});
