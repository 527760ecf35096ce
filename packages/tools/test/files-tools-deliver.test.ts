import { describe, expect, it } from "vitest";
import { createDeliverFileTool, createToolBox, photoFit, readImageHeader } from "../src/index.ts";
import { fakeToolRun } from "../src/toolbox/fake-tool-context.ts";

/** A PNG signature and IHDR chunk: all the header parser reads. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write("IHDR", 4, "latin1");
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 6, 0, 0, 0], 16);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

/** SOI, an APP0 segment, then a baseline SOF0 with the size: the parser must skip APP0. */
function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = Buffer.alloc(19);
  sof.set([0xff, 0xc0, 0x00, 0x11, 0x08], 0);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

function webpVp8x(width: number, height: number): Buffer {
  const data = Buffer.alloc(30);
  data.write("RIFF", 0, "latin1");
  data.writeUInt32LE(22, 4);
  data.write("WEBPVP8X", 8, "latin1");
  data.writeUInt32LE(10, 16);
  data.writeUIntLE(width - 1, 24, 3);
  data.writeUIntLE(height - 1, 27, 3);
  return data;
}

function gif(width: number, height: number): Buffer {
  const data = Buffer.alloc(13);
  data.write("GIF89a", 0, "latin1");
  data.writeUInt16LE(width, 6);
  data.writeUInt16LE(height, 8);
  return data;
}

function setup() {
  const run = fakeToolRun();
  const box = createToolBox({ tools: [createDeliverFileTool()] });
  const deliver = async (input: unknown) => {
    const outcome = await box.run({ toolUseId: "t1", name: "deliver_file", input }, run.context);
    return { outcome, body: JSON.parse(outcome.content as string) };
  };
  const output = (name: string, bytes: Buffer, mimeType: string, extra: { delivered?: boolean } = {}) =>
    run.files.add({
      name,
      bytes,
      mimeType,
      kind: mimeType.startsWith("image/") ? "image" : "other",
      source: "assistant",
      ...extra,
    });
  return { ...run, deliver, output };
}

describe("image headers", () => {
  it.each([
    ["png", png(640, 480)],
    ["jpeg", jpeg(640, 480)],
    ["webp", webpVp8x(640, 480)],
    ["gif", gif(640, 480)],
  ])("given a %s header, when read, then format and size come out", (format, bytes) => {
    expect(readImageHeader(bytes)).toEqual({ format, width: 640, height: 480 });
  });

  it("given bytes of no image, or a truncated one, when read, then there is no header", () => {
    expect(readImageHeader(Buffer.from("%PDF-1.7"))).toBeNull();
    expect(readImageHeader(png(10, 10).subarray(0, 20))).toBeNull();
    expect(readImageHeader(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
  });

  it("given Telegram's limits, when images are checked, then the sum, the ratio and GIFs are refused", () => {
    expect(photoFit(png(5000, 5000)).ok).toBe(true);
    expect(photoFit(png(6000, 4001))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/width plus height/),
    });
    expect(photoFit(png(4200, 200))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/aspect ratio of 21\.0/),
    });
    expect(photoFit(png(4000, 200)).ok).toBe(true);
    expect(photoFit(gif(100, 100))).toMatchObject({ ok: false, reason: expect.stringMatching(/GIF/) });
  });
});

describe("deliver_file", () => {
  it("given a pending PNG within the limits, when delivered with auto, then it goes as a photo with its caption", async () => {
    const { deliver, output, files } = setup();
    const file = output("formula.png", png(800, 200), "image/png");
    const { outcome, body } = await deliver({ file_id: file.fileId, caption: "  Euler's identity " });
    expect(outcome.ok).toBe(true);
    expect(files.deliveries).toEqual([
      { fileId: file.fileId, as: "photo", caption: "Euler's identity", sequential: false },
    ]);
    expect(body).toEqual({
      delivered: true,
      file_id: file.fileId,
      name: "formula.png",
      sent_as: "photo",
      caption_sent: true,
      telegram_message_id: 501,
    });
  });

  it("given a too-wide PNG, when delivered with auto, then it goes as a document and the result says why", async () => {
    const { deliver, output, files } = setup();
    const file = output("strip.png", png(9000, 300), "image/png");
    const { outcome, body } = await deliver({ file_id: file.fileId });
    expect(outcome.ok).toBe(true);
    expect(files.deliveries[0]).toEqual({
      fileId: file.fileId,
      as: "document",
      caption: null,
      sequential: false,
    });
    expect(body.reason).toMatch(/9000×300 px, an aspect ratio of 30\.0/);
  });

  it("given a too-wide PNG, when a photo is insisted on, then bad_input explains and nothing is sent", async () => {
    const { deliver, output, files } = setup();
    const file = output("strip.png", png(9000, 300), "image/png");
    const { outcome, body } = await deliver({ file_id: file.fileId, send_as: "photo" });
    expect(outcome.errorKind).toBe("bad_input");
    expect(body.message).toMatch(
      /^strip\.png cannot be sent as a photo: it is 9000×300 px.*send_as "document"/,
    );
    expect(files.deliveries).toHaveLength(0);
  });

  it("given a JPEG over 10 MB by its metadata, when delivered with auto, then it goes as a document unread", async () => {
    const { deliver, files } = setup();
    const file = files.add({
      name: "big.jpg",
      bytes: jpeg(1000, 1000),
      mimeType: "image/jpeg",
      kind: "image",
      source: "assistant",
      sizeBytes: 12_000_000,
    });
    files.failReadWith = new Error("must not read");
    const { body } = await deliver({ file_id: file.fileId });
    expect(body).toMatchObject({ sent_as: "document", reason: expect.stringMatching(/10 MB/) });
  });

  it("given a JPEG and a WebP, when delivered with auto, then both go as photos", async () => {
    const { deliver, output, files } = setup();
    const photo = output("a.jpg", jpeg(1280, 960), "image/jpeg");
    const webp = output("b.webp", webpVp8x(512, 512), "image/webp");
    await deliver({ file_id: photo.fileId });
    await deliver({ file_id: webp.fileId });
    expect(files.deliveries.map((entry) => entry.as)).toEqual(["photo", "photo"]);
  });

  it("given a GIF and a CSV, when delivered with auto, then both go as documents", async () => {
    const { deliver, output, files } = setup();
    const animation = output("a.gif", gif(100, 100), "image/gif");
    const csv = output("data.csv", Buffer.from("a,b\n1,2\n"), "text/csv");
    await deliver({ file_id: animation.fileId });
    await deliver({ file_id: csv.fileId });
    expect(files.deliveries.map((entry) => entry.as)).toEqual(["document", "document"]);
  });

  it("given a small PNG, when a document is asked for, then it goes as a document", async () => {
    const { deliver, output, files } = setup();
    const file = output("chart.png", png(100, 100), "image/png");
    await deliver({ file_id: file.fileId, send_as: "document", caption: "full resolution" });
    expect(files.deliveries).toEqual([
      { fileId: file.fileId, as: "document", caption: "full resolution", sequential: false },
    ]);
  });

  it("given a PDF, when a photo is insisted on, then bad_input says it is not an image", async () => {
    const { deliver, output } = setup();
    const file = output("report.pdf", Buffer.from("%PDF-1.7 ..."), "application/pdf");
    const { body } = await deliver({ file_id: file.fileId, send_as: "photo" });
    expect(body).toMatchObject({
      error: "bad_input",
      message: expect.stringMatching(/not a JPEG, PNG or WebP/),
    });
  });

  it("given an already delivered file, when delivered again, then it is re-sent and the result says so", async () => {
    const { deliver, output, files } = setup();
    const file = output("formula.png", png(100, 50), "image/png", { delivered: true });
    const { outcome, body } = await deliver({ file_id: file.fileId });
    expect(outcome.ok).toBe(true);
    expect(files.deliveries).toHaveLength(1);
    expect(body.note).toBe("This file had already been delivered; it was sent again.");
    expect(outcome.summary).toBe("formula.png sent as photo (again)");
  });

  it("given an unknown file id, when delivered, then unknown_file points to list_files", async () => {
    const { deliver } = setup();
    const { outcome, body } = await deliver({ file_id: "exec_123" });
    expect(outcome.errorKind).toBe("unknown_file");
    expect(body.message).toBe(
      'There is no file with id "exec_123" in this conversation. Call list_files to see the files and their ids.',
    );
  });

  it("given the user's own upload, when delivered, then it is refused", async () => {
    const { deliver, files } = setup();
    const upload = files.add({ name: "cat.jpg", bytes: jpeg(10, 10), mimeType: "image/jpeg", kind: "photo" });
    const { body } = await deliver({ file_id: upload.fileId });
    expect(body).toMatchObject({ error: "bad_input", message: expect.stringMatching(/user's own upload/) });
  });

  it("given a caption over 1024 characters or a wrong send_as, when delivered, then bad_input names the field", async () => {
    const { deliver, output, files } = setup();
    const file = output("formula.png", png(100, 50), "image/png");
    const long = await deliver({ file_id: file.fileId, caption: "x".repeat(1025) });
    expect(long.body.issues).toEqual([{ field: "caption", problem: expect.stringMatching(/1024/) }]);
    const mode = await deliver({ file_id: file.fileId, send_as: "sticker" });
    expect(mode.body.issues[0].field).toBe("send_as");
    expect(files.deliveries).toHaveLength(0);
  });

  it("given Telegram refuses the file, when delivered, then delivery_failed carries the reason", async () => {
    const { deliver, output, files } = setup();
    const file = output("formula.png", png(100, 50), "image/png");
    files.failDeliveryWith = new Error("Bad Request: PHOTO_INVALID_DIMENSIONS");
    const { outcome, body } = await deliver({ file_id: file.fileId });
    expect(outcome.errorKind).toBe("delivery_failed");
    expect(body.message).toBe("Telegram did not accept formula.png: Bad Request: PHOTO_INVALID_DIMENSIONS");
  });

  it("given an empty caption, when delivered, then no caption is sent", async () => {
    const { deliver, output, files } = setup();
    const file = output("formula.png", png(100, 50), "image/png");
    const { body } = await deliver({ file_id: file.fileId, caption: "   " });
    expect(files.deliveries[0]?.caption).toBeNull();
    expect(body.caption_sent).toBe(false);
  });
});
