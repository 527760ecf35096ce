import { type FakeAnthropic, startFakeAnthropic } from "@bot/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { AnthropicProvider } from "../src/index.ts";
import { LlmError } from "../src/llm-error.ts";

const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup() {
  const fake = await startFakeAnthropic();
  fakes.push(fake);
  return {
    fake,
    provider: new AnthropicProvider({ apiKey: "test-key", baseURL: fake.baseURL, maxRetries: 0 }),
  };
}

const png = Buffer.from("89504e470d0a1a0a", "hex");

describe("given the Anthropic Files API", () => {
  it("when a file is uploaded, then its id is returned, a request can reference it, and deleting it (twice) succeeds", async () => {
    const { fake, provider } = await setup();
    const uploaded = await provider.files.upload({ bytes: png, name: "photo.png", mimeType: "image/png" });
    expect(uploaded.providerFileId).toMatch(/^file_/);
    expect(fake.files.list().map((file) => file.id)).toEqual([uploaded.providerFileId]);

    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "A picture." }] });
    for await (const _delta of provider.stream(
      {
        model: "claude-sonnet-5-5",
        system: [],
        maxTokens: 100,
        messages: [
          {
            role: "user",
            content: [
              { type: "image", fileId: uploaded.providerFileId },
              { type: "text", text: "What is it?" },
            ],
          },
        ],
      },
      new AbortController().signal,
    )) {
      // drained
    }
    expect(fake.requests.at(-1)?.fileIds).toEqual([uploaded.providerFileId]);

    await provider.files.delete(uploaded.providerFileId);
    await provider.files.delete(uploaded.providerFileId);
    expect(fake.files.list()).toEqual([]);
  });

  it("when the upload fails, then it is an LlmError of the provider's kind", async () => {
    const { fake, provider } = await setup();
    fake.files.fail("upload", { status: 529, errorType: "overloaded_error", message: "busy" });
    const error = await provider.files
      .upload({ bytes: png, name: "p.png", mimeType: "image/png" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).kind).toBe("overloaded");
  });
});
