import Anthropic, { toFile } from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeAnthropic, type FakeAnthropicOptions, startFakeAnthropic } from "../src/index.ts";

const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(
  options: FakeAnthropicOptions = {},
  maxRetries = 0,
): Promise<{ fake: FakeAnthropic; client: Anthropic }> {
  const fake = await startFakeAnthropic(options);
  fakes.push(fake);
  return { fake, client: new Anthropic({ baseURL: fake.baseURL, apiKey: "test-key", maxRetries }) };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

/** A minimal two-page PDF: what the fake counts is the `/Type /Page` objects. */
const twoPagePdf = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n" +
    "3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n4 0 obj << /Type /Page /Parent 2 0 R >> endobj\n%%EOF\n",
);
const pngBytes = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

const question = { model: "claude-sonnet-5-5", max_tokens: 256 };

function documentMessage(fileId: string, type: "document" | "image" = "document") {
  return {
    ...question,
    messages: [
      {
        role: "user" as const,
        content: [
          { type, source: { type: "file" as const, file_id: fileId } },
          { type: "text" as const, text: "What is in it?" },
        ],
      },
    ],
  };
}

describe("given a file uploaded with the SDK", () => {
  it("when uploaded, then the GA metadata comes back and the fake stores the bytes", async () => {
    const { fake, client } = await setup();

    const file = await client.files.upload({ file: await toFile(twoPagePdf, "dir/report.pdf") });

    expect(file).toMatchObject({
      type: "file",
      filename: "report.pdf",
      mime_type: "application/pdf",
      size_bytes: twoPagePdf.length,
      downloadable: false,
      expires_at: null,
    });
    expect(file.id).toMatch(/^file_[0-9A-Za-z]{24}$/);
    expect(new Date(file.created_at).getTime()).toBeGreaterThan(Date.now() - 10_000);
    const [stored] = fake.files.list();
    expect(stored?.bytes.equals(twoPagePdf)).toBe(true);
    expect(fake.requests[0]).toMatchObject({ method: "POST", path: "/v1/files", body: {}, rawBody: "" });
    expect(fake.requests[0]?.upload).toEqual({
      filename: "dir/report.pdf",
      contentType: "application/octet-stream",
      sizeBytes: twoPagePdf.length,
    });
  });

  it("when its metadata is retrieved, then it matches the upload", async () => {
    const { client } = await setup();
    const uploaded = await client.files.upload({
      file: await toFile(pngBytes, "cat.png", { type: "image/png" }),
    });

    const metadata = await client.files.retrieveMetadata(uploaded.id);

    expect(metadata).toEqual(uploaded);
    expect(metadata.mime_type).toBe("image/png");
  });

  it("when uploaded with expires_in_seconds, then expires_at is that far from created_at", async () => {
    const { client } = await setup();

    const file = await client.files.upload({
      file: await toFile(Buffer.from("hello"), "note.txt"),
      expires_in_seconds: 3_600,
    });

    expect(file.mime_type).toBe("text/plain");
    expect(new Date(file.expires_at ?? 0).getTime() - new Date(file.created_at).getTime()).toBe(3_600_000);
  });

  it("when expires_in_seconds is under an hour, then the upload is rejected with 400", async () => {
    const { fake, client } = await setup();

    const error = await caught(
      client.files.upload({ file: await toFile(Buffer.from("x"), "a.txt"), expires_in_seconds: 60 }),
    );

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(fake.files.list()).toEqual([]);
  });

  it("when deleted, then the SDK gets file_deleted and the file is gone", async () => {
    const { fake, client } = await setup();
    const file = await client.files.upload({ file: await toFile(twoPagePdf, "a.pdf") });

    const deleted = await client.files.delete(file.id);
    const error = await caught(client.files.retrieveMetadata(file.id));

    expect(deleted).toEqual({ id: file.id, type: "file_deleted" });
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect(error instanceof Anthropic.APIError && error.type).toBe("not_found_error");
    expect(fake.files.get(file.id)).toBeUndefined();
  });

  it("when an unknown id is fetched, deleted or downloaded, then each is a 404 not_found_error", async () => {
    const { client } = await setup();

    const errors = await Promise.all([
      caught(client.files.retrieveMetadata("file_nope")),
      caught(client.files.delete("file_nope")),
      caught(client.files.download("file_nope")),
    ]);

    for (const error of errors) expect(error).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("when its content is downloaded, then the API's rule holds: uploads are not downloadable", async () => {
    const { client } = await setup();
    const file = await client.files.upload({ file: await toFile(twoPagePdf, "a.pdf") });

    const error = await caught(client.files.download(file.id));

    expect(error).toBeInstanceOf(Anthropic.FileNotDownloadableError);
    expect(error instanceof Anthropic.APIError && [error.status, error.errorCode]).toEqual([
      400,
      "file_not_downloadable",
    ]);
  });
});

describe("given a file a tool produced (seeded by the test)", () => {
  it("when downloaded, then the bytes and the content type come back", async () => {
    const { fake, client } = await setup();
    const seeded = fake.files.add({ filename: "chart.png", bytes: pngBytes });

    const response = await client.files.download(seeded.id);

    expect(seeded).toMatchObject({ mimeType: "image/png", downloadable: true, expired: false });
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await response.arrayBuffer()).equals(pngBytes)).toBe(true);
    expect(fake.requests[0]?.headers.accept).toBe("application/binary");
  });

  it("when the provider expires it, then metadata shows expires_at and download throws FileExpiredError", async () => {
    const { fake, client } = await setup();
    const seeded = fake.files.add({ filename: "out.csv", bytes: "a,b\n1,2\n" });

    fake.files.expire(seeded.id);
    const metadata = await client.files.retrieveMetadata(seeded.id);
    const error = await caught(client.files.download(seeded.id));

    expect(new Date(metadata.expires_at ?? "").getTime()).toBeLessThanOrEqual(Date.now());
    expect(fake.files.get(seeded.id)?.expired).toBe(true);
    expect(error).toBeInstanceOf(Anthropic.FileExpiredError);
    expect(error instanceof Anthropic.APIError && [error.status, error.errorCode]).toEqual([
      404,
      "file_expired",
    ]);
  });

  it("when the test expires or deletes an unknown id, then the helper throws", async () => {
    const { fake } = await setup();

    expect(() => fake.files.expire("file_nope")).toThrow(/no file file_nope/);
    expect(() => fake.files.delete("file_nope")).toThrow(/no file file_nope/);
  });
});

describe("given several files", () => {
  async function threeFiles(fake: FakeAnthropic): Promise<string[]> {
    return ["one.txt", "two.txt", "three.txt"].map(
      (name) => fake.files.add({ filename: name, bytes: name }).id,
    );
  }

  it("when listed with limit 2 by the SDK, then auto-paging follows next_page through all, newest first", async () => {
    const { fake, client } = await setup();
    const [first, second, third] = await threeFiles(fake);

    const ids: string[] = [];
    for await (const file of client.files.list({ limit: 2 })) ids.push(file.id);

    expect(ids).toEqual([third, second, first]);
    const lists = fake.requests.filter((request) => request.path === "/v1/files");
    expect(lists.map((request) => new URL(request.url, "http://x").searchParams.has("page"))).toEqual([
      false,
      true,
    ]);
  });

  it("when listed with ids[], then only those come back, deleted ones left out, on one page", async () => {
    const { fake, client } = await setup();
    const [first, second, third] = await threeFiles(fake);
    fake.files.delete(second ?? "");

    const page = await client.files.list({ ids: [first ?? "", second ?? "", "file_unknown"] });

    expect(page.data.map((file) => file.id)).toEqual([first]);
    expect(page.next_page).toBeNull();
    expect(third).toBeDefined();
  });

  it("when listed with the files beta header, then the beta shape pages by after_id", async () => {
    const { fake } = await setup();
    const [first, second, third] = await threeFiles(fake);
    const headers = { "anthropic-beta": "files-api-2025-04-14", authorization: "Bearer k" };

    const get = async (query: string) =>
      (await (await fetch(`${fake.baseURL}/v1/files?${query}`, { headers })).json()) as {
        data: Record<string, unknown>[];
      };

    const page1 = await get("limit=2");
    const page2 = await get(`limit=2&after_id=${second}`);
    const back = await get(`limit=1&before_id=${second}`);

    expect(page1).toMatchObject({ has_more: true, first_id: third, last_id: second });
    expect(page1.data[0]).not.toHaveProperty("expires_at");
    expect(page2).toMatchObject({ has_more: false, first_id: first, last_id: first });
    expect(back).toMatchObject({ has_more: false, first_id: third, last_id: third });
  });

  it("when the GA list gets after_id, then it is a 400 as without the beta header", async () => {
    const { fake } = await setup();

    const response = await fetch(`${fake.baseURL}/v1/files?after_id=file_x`);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("when the beta SDK resource uploads with betas, then the header is recorded and the beta shape returned", async () => {
    const { fake, client } = await setup();

    const file = await client.beta.files.upload({
      file: await toFile(twoPagePdf, "a.pdf"),
      betas: ["files-api-2025-04-14"],
    });

    expect(fake.requests[0]?.headers["anthropic-beta"]).toBe("files-api-2025-04-14");
    expect(file).not.toHaveProperty("expires_at");
    expect(file.mime_type).toBe("application/pdf");
  });
});

describe("given a size limit", () => {
  it("when a file over it is uploaded, then the SDK gets 413 request_too_large and nothing is stored", async () => {
    const { fake, client } = await setup({ maxFileBytes: 1024 });

    const error = await caught(client.files.upload({ file: await toFile(Buffer.alloc(2048), "big.pdf") }));

    expect(error).toBeInstanceOf(Anthropic.ContentTooLargeError);
    expect(error instanceof Anthropic.APIError && error.type).toBe("request_too_large");
    expect(fake.files.list()).toEqual([]);
    expect(fake.requests[0]?.upload?.sizeBytes).toBe(2048);
  });

  it("when an upload is far over it, then the body is dropped past the cap and the 413 still arrives", async () => {
    const { fake, client } = await setup({ maxFileBytes: 1024 });

    const error = await caught(
      client.files.upload({ file: await toFile(Buffer.alloc(3 * 1024 * 1024), "huge.pdf") }),
    );

    expect(error).toBeInstanceOf(Anthropic.ContentTooLargeError);
    expect(fake.requests[0]?.upload).toBeNull();
  });

  it("when the limit is not positive, then the fake refuses to start", async () => {
    await expect(startFakeAnthropic({ maxFileBytes: 0 })).rejects.toThrow(RangeError);
  });
});

describe("given injected Files API failures", () => {
  it("when an upload hits a 429 once and the SDK may retry, then the retry succeeds", async () => {
    const { fake, client } = await setup({}, 1);
    fake.files.fail("upload", {
      status: 429,
      errorType: "rate_limit_error",
      message: "slow down",
      retryAfterSeconds: 0,
    });

    const file = await client.files.upload({ file: await toFile(twoPagePdf, "a.pdf") });

    expect(fake.requests).toHaveLength(2);
    expect(fake.files.list().map((stored) => stored.id)).toEqual([file.id]);
  });

  it("when a fault carries an error code, then the SDK picks the matching error class", async () => {
    const { fake, client } = await setup();
    fake.files.fail("*", {
      status: 400,
      errorType: "invalid_request_error",
      message: "quota",
      errorCode: "storage_quota_exceeded",
    });

    const error = await caught(client.files.upload({ file: await toFile(twoPagePdf, "a.pdf") }));

    expect(error).toBeInstanceOf(Anthropic.StorageQuotaExceededError);
  });

  it("when a fault is for another operation or cleared, then calls go through", async () => {
    const { fake, client } = await setup();
    fake.files.fail("delete", { status: 500, errorType: "api_error", message: "boom" }, { times: Infinity });

    const listed = await client.files.list();
    fake.files.clearFaults();
    const seeded = fake.files.add({ filename: "a.txt", bytes: "a" });
    const deleted = await client.files.delete(seeded.id);

    expect(listed.data).toEqual([]);
    expect(deleted.type).toBe("file_deleted");
  });
});

describe("given a message that references a file", () => {
  it("when the file exists, then the message is answered and the request records the file id", async () => {
    const { fake, client } = await setup();
    const file = await client.files.upload({ file: await toFile(twoPagePdf, "a.pdf") });
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "A report." }] });

    const message = await client.messages.create(documentMessage(file.id));

    expect(message.content[0]).toMatchObject({ text: "A report." });
    expect(fake.requests.at(-1)?.fileIds).toEqual([file.id]);
  });

  it("when the file was deleted, then the API rejects it with 400 and no script is used", async () => {
    const { fake, client } = await setup();
    const file = await client.files.upload({ file: await toFile(twoPagePdf, "a.pdf") });
    await client.files.delete(file.id);
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "unused" }] });

    const error = await caught(client.messages.create(documentMessage(file.id)));

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error instanceof Anthropic.APIError && error.type).toBe("invalid_request_error");
    expect(String(error)).toContain(`file not found: '${file.id}'`);
    expect(fake.requests.at(-1)?.fileIds).toEqual([file.id]);
    fake.enqueue();
    const next = await client.messages.create({ ...question, messages: [{ role: "user", content: "Hi" }] });
    expect(next.content[0]).toMatchObject({ text: "unused" });
  });

  it("when the file expired, then a stream request is rejected with 400 before any event", async () => {
    const { fake, client } = await setup();
    const seeded = fake.files.add({ filename: "a.pdf", bytes: twoPagePdf });
    fake.files.expire(seeded.id);

    const error = await caught(client.messages.stream(documentMessage(seeded.id)).finalMessage());

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String(error)).toContain("has expired");
  });

  it("when an image block references a PDF, then it is rejected with 400", async () => {
    const { client } = await setup();
    const file = await client.files.upload({ file: await toFile(twoPagePdf, "a.pdf") });

    const error = await caught(client.messages.create(documentMessage(file.id, "image")));

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String(error)).toContain("messages.0.content.0.image.source");
  });

  it("when files sit in a tool result and a container upload, then all ids are recorded once each", async () => {
    const { fake, client } = await setup();
    const image = fake.files.add({ filename: "a.png", bytes: pngBytes });
    const data = fake.files.add({ filename: "d.csv", bytes: "a\n1\n" });
    fake.enqueue({ kind: "message", blocks: [{ type: "text", text: "ok" }] });

    await client.messages.create({
      ...question,
      messages: [
        { role: "user", content: [{ type: "container_upload", file_id: data.id }] },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: "look", input: {} }],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_1",
              content: [
                { type: "image", source: { type: "file", file_id: image.id } },
                { type: "image", source: { type: "file", file_id: image.id } },
              ],
            },
          ],
        },
      ],
    });

    expect(fake.requests[0]?.fileIds).toEqual([data.id, image.id]);
  });
});

describe("given count_tokens with files", () => {
  it("when a PDF and an image are referenced, then pages and images are counted, not the JSON", async () => {
    const { fake, client } = await setup();
    const pdf = fake.files.add({ filename: "a.pdf", bytes: twoPagePdf });
    const png = fake.files.add({ filename: "a.png", bytes: pngBytes });
    const messages = (ids: readonly string[], type: "document" | "image") => [
      {
        role: "user" as const,
        content: ids.map((id) => ({ type, source: { type: "file" as const, file_id: id } })),
      },
    ];

    const onePdf = await client.messages.countTokens({
      model: question.model,
      messages: messages([pdf.id], "document"),
    });
    const twoImages = await client.messages.countTokens({
      model: question.model,
      messages: messages([png.id, png.id], "image"),
    });

    // Two pages at 2,000 each plus the small JSON left; two images at 1,600 each.
    expect(onePdf.input_tokens).toBeGreaterThan(4_000);
    expect(onePdf.input_tokens).toBeLessThan(4_100);
    expect(twoImages.input_tokens).toBeGreaterThan(3_200);
    expect(twoImages.input_tokens).toBeLessThan(3_300);
  });

  it("when an inline base64 image is sent, then it counts as one image, not its base64 length", async () => {
    const { client } = await setup();
    const data = Buffer.alloc(200_000).toString("base64");

    const count = await client.messages.countTokens({
      model: question.model,
      messages: [
        {
          role: "user",
          content: [{ type: "image", source: { type: "base64", media_type: "image/png", data } }],
        },
      ],
    });

    expect(count.input_tokens).toBeGreaterThan(1_600);
    expect(count.input_tokens).toBeLessThan(1_700);
  });

  it("when an unknown file is referenced, then count_tokens rejects it with 400 like messages", async () => {
    const { client } = await setup();

    const error = await caught(
      client.messages.countTokens({ model: question.model, messages: documentMessage("file_nope").messages }),
    );

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  });
});
