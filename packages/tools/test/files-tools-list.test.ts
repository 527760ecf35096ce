import { fixedClock } from "@bot/domain";
import { describe, expect, it } from "vitest";
import { createListFilesTool, createToolBox } from "../src/index.ts";
import { fakeToolRun } from "../src/toolbox/fake-tool-context.ts";

function setup() {
  const clock = fixedClock("2025-06-01T12:00:00.000Z");
  const run = fakeToolRun();
  const box = createToolBox({ tools: [createListFilesTool({ clock })] });
  const list = async () => {
    const outcome = await box.run({ toolUseId: "t1", name: "list_files", input: {} }, run.context);
    return { outcome, body: JSON.parse(outcome.content as string) };
  };
  return { ...run, clock, list };
}

describe("list_files", () => {
  it("given no files, when listed, then the result says so", async () => {
    const { list } = setup();
    const { outcome, body } = await list();
    expect(outcome.ok).toBe(true);
    expect(body).toEqual({ files: [], note: "There are no files in this conversation." });
  });

  it("given uploads and tool outputs, when listed, then each has id, source, state and age", async () => {
    const { list, files } = setup();
    const upload = files.add({
      name: "data.csv",
      bytes: "a,b\n",
      mimeType: "text/csv",
      kind: "spreadsheet",
      caption: "the numbers",
      receivedAt: "2025-06-01T09:00:00.000Z",
    });
    const pending = files.add({
      name: "formula.png",
      bytes: "png",
      mimeType: "image/png",
      kind: "image",
      source: "assistant",
      receivedAt: "2025-06-01T11:59:20.000Z",
    });
    const sent = files.add({
      name: "chart.png",
      bytes: "png!",
      mimeType: "image/png",
      kind: "image",
      source: "assistant",
      delivered: true,
      receivedAt: "2025-05-28T12:00:00.000Z",
    });
    const { outcome, body } = await list();
    expect(outcome.summary).toBe("3 file(s)");
    expect(body).toEqual({
      pending: 1,
      files: [
        {
          id: upload.fileId,
          name: "data.csv",
          kind: "spreadsheet",
          mime: "text/csv",
          size_bytes: 4,
          source: "user",
          state: "uploaded",
          age: "3h",
          caption: "the numbers",
        },
        {
          id: pending.fileId,
          name: "formula.png",
          kind: "image",
          mime: "image/png",
          size_bytes: 3,
          source: "assistant",
          state: "pending",
          age: "40s",
        },
        {
          id: sent.fileId,
          name: "chart.png",
          kind: "image",
          mime: "image/png",
          size_bytes: 4,
          source: "assistant",
          state: "delivered",
          age: "4d",
        },
      ],
    });
  });

  it("given the clock moves on, when listed again, then the ages follow the injected clock", async () => {
    const { list, files, clock } = setup();
    files.add({ name: "a.txt", bytes: "a", receivedAt: "2025-06-01T12:00:00.000Z" });
    expect((await list()).body.files[0].age).toBe("0s");
    clock.advance(5 * 60_000);
    expect((await list()).body.files[0].age).toBe("5m");
  });

  it("given a long caption, when listed, then it is cut to 100 characters", async () => {
    const { list, files } = setup();
    files.add({ name: "a.txt", bytes: "a", caption: "c".repeat(300) });
    const caption: string = (await list()).body.files[0].caption;
    expect(caption).toHaveLength(100);
    expect(caption.endsWith("…")).toBe(true);
  });

  it("given unexpected input fields, when listed, then they are ignored", async () => {
    const { context } = setup();
    const box = createToolBox({
      tools: [createListFilesTool({ clock: fixedClock("2025-06-01T12:00:00Z") })],
    });
    const outcome = await box.run({ toolUseId: "t1", name: "list_files", input: { verbose: true } }, context);
    expect(outcome.ok).toBe(true);
  });
});
