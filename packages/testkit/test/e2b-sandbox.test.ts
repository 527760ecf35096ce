import { type OutputMessage, type Result, Sandbox } from "@e2b/code-interpreter";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeE2B, type FakeE2BOptions, readPngSize, solidPng, startFakeE2B } from "../src/index.ts";

const fakes: FakeE2B[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function start(options: FakeE2BOptions = {}): Promise<FakeE2B> {
  const fake = await startFakeE2B(options);
  fakes.push(fake);
  return fake;
}

/** The connection options that point both SDK halves at the fake. */
function connection(fake: FakeE2B) {
  return { apiKey: fake.apiKey, apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl };
}

const chart = Buffer.from(solidPng(640, 480, [0, 90, 200]));

describe("given a fake E2B control plane", () => {
  it("when Sandbox.create is called, then the fake records the request and tracks a 2 vCPU / 512 MiB sandbox", async () => {
    let now = 1_000_000;
    const fake = await start({ clock: () => now });

    const sbx = await Sandbox.create({ ...connection(fake), timeoutMs: 120_000, metadata: { userId: "42" } });

    const create = fake.requests[0];
    expect(create).toMatchObject({ surface: "api", method: "POST", path: "/v2/sandboxes", status: 201 });
    expect(create?.headers["x-api-key"]).toBe(fake.apiKey);
    expect(create?.body).toMatchObject({
      templateID: "code-interpreter-v1",
      timeout: 120,
      metadata: { userId: "42" },
    });
    now += 30_000;
    expect(fake.sandbox(sbx.sandboxId)).toMatchObject({
      templateId: "code-interpreter-v1",
      state: "running",
      cpuCount: 2,
      memoryMB: 512,
      metadata: { userId: "42" },
      startedAt: 1_000_000,
      endAt: 1_120_000,
      lifetimeMs: 30_000,
      vcpuSeconds: 60,
      gibSeconds: 15,
    });
  });

  it("when the sandbox is killed, then kill() is true, its life ends then and it is no longer running", async () => {
    let now = 5_000;
    const fake = await start({ clock: () => now });
    const sbx = await Sandbox.create(connection(fake));
    now += 12_500;

    const killed = await sbx.kill();
    now += 60_000;

    expect(killed).toBe(true);
    expect(fake.sandbox(sbx.sandboxId)).toMatchObject({
      state: "killed",
      endedAt: 17_500,
      lifetimeMs: 12_500,
    });
    expect(await sbx.isRunning()).toBe(false);
    expect(await sbx.kill()).toBe(false);
  });

  it("when the clock passes the timeout, then the sandbox expired at its end time", async () => {
    let now = 0;
    const fake = await start({ clock: () => now, templates: { big: { cpuCount: 8, memoryMB: 8192 } } });
    const sbx = await Sandbox.create("big", { ...connection(fake), timeoutMs: 60_000 });
    now = 30_000;
    await sbx.setTimeout(90_000);
    now = 500_000;

    expect(fake.sandbox(sbx.sandboxId)).toMatchObject({
      state: "expired",
      endedAt: 120_000,
      lifetimeMs: 120_000,
      vcpuSeconds: 960,
      gibSeconds: 960,
    });
    expect(fake.sandboxes()).toHaveLength(1);
  });

  it("when getInfo and list are called, then they report the running sandbox", async () => {
    const fake = await start();
    const sbx = await Sandbox.create({ ...connection(fake), metadata: { chat: "7" } });

    const info = await Sandbox.getInfo(sbx.sandboxId, connection(fake));
    const listed = await Sandbox.list({
      ...connection(fake),
      query: { metadata: { chat: "7" } },
    }).nextItems();

    expect(info).toMatchObject({ sandboxId: sbx.sandboxId, cpuCount: 2, memoryMB: 512, state: "running" });
    expect(listed.map((item) => item.sandboxId)).toEqual([sbx.sandboxId]);
  });
});

describe("given a sandbox running code", () => {
  it("when runCode streams stdout, stderr and results, then callbacks and the execution see them all", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));
    fake.enqueueExecution({
      kind: "execution",
      steps: [
        { type: "stdout", text: "loading\n" },
        { type: "stderr", text: "warning: slow\n" },
        { type: "result", png: chart, text: "<Figure size 640x480>" },
        { type: "result", text: "42", isMainResult: true },
      ],
    });
    const stdout: OutputMessage[] = [];
    const stderr: OutputMessage[] = [];
    const results: Result[] = [];

    const execution = await sbx.runCode("print('loading'); 6 * 7", {
      onStdout: (message) => {
        stdout.push(message);
      },
      onStderr: (message) => {
        stderr.push(message);
      },
      onResult: (result) => {
        results.push(result);
      },
    });

    expect(stdout.map((message) => message.line)).toEqual(["loading\n"]);
    expect(stderr.map((message) => message.line)).toEqual(["warning: slow\n"]);
    expect(results).toHaveLength(2);
    expect(readPngSize(Buffer.from(results[0]?.png ?? "", "base64"))).toEqual({ width: 640, height: 480 });
    expect(execution.text).toBe("42");
    expect(execution.logs).toEqual({ stdout: ["loading\n"], stderr: ["warning: slow\n"] });
    expect(execution.error).toBeUndefined();
    expect(execution.executionCount).toBe(1);
    const request = fake.requests.find((entry) => entry.surface === "jupyter");
    expect(request).toMatchObject({ method: "POST", path: "/execute", sandboxId: sbx.sandboxId });
    expect(request?.headers["e2b-sandbox-port"]).toBe("49999");
    expect(request?.body).toMatchObject({ code: "print('loading'); 6 * 7" });
  });

  it("when the code raises, then execution.error has name, value and traceback", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));
    fake.enqueueExecution({
      kind: "execution",
      steps: [
        {
          type: "error",
          name: "ZeroDivisionError",
          value: "division by zero",
          traceback: "Traceback (most recent call last):\n  ZeroDivisionError: division by zero",
        },
      ],
    });

    const execution = await sbx.runCode("1 / 0");

    expect(execution.error).toMatchObject({ name: "ZeroDivisionError", value: "division by zero" });
    expect(execution.error?.traceback).toContain("Traceback");
    expect(execution.results).toEqual([]);
  });
});

describe("given files in a sandbox", () => {
  it("when inputs are uploaded and the code writes a chart, then the code sees the inputs and files.read returns the chart", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));
    fake.respondToExecution((request) => ({
      kind: "execution",
      steps: [
        {
          type: "stdout",
          text: `rows: ${request.files.get("/tmp/inputs/data.csv")?.toString().split("\n").length}\n`,
        },
        { type: "file", path: "/tmp/chart.png", data: chart },
      ],
    }));

    const written = await sbx.files.write("/tmp/inputs/data.csv", "a,b\n1,2\n3,4");
    const execution = await sbx.runCode("import pandas as pd; ...");
    const bytes = await sbx.files.read("/tmp/chart.png", { format: "bytes" });
    const csv = await sbx.files.read("/tmp/inputs/data.csv");

    expect(written).toMatchObject({ name: "data.csv", path: "/tmp/inputs/data.csv", type: "file" });
    expect(execution.logs.stdout).toEqual(["rows: 3\n"]);
    expect(readPngSize(bytes)).toEqual({ width: 640, height: 480 });
    expect(csv).toBe("a,b\n1,2\n3,4");
    expect([...fake.files(sbx.sandboxId).keys()].sort()).toEqual(["/tmp/chart.png", "/tmp/inputs/data.csv"]);
  });

  it("when the directory is listed, then files.list returns entries with type, size and path", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));
    await sbx.files.write([
      { path: "/tmp/inputs/a.txt", data: "hello" },
      { path: "/tmp/inputs/b.bin", data: new Uint8Array([1, 2, 3]).buffer },
    ]);
    fake.writeFile(sbx.sandboxId, "/tmp/out.txt", "done");

    const tmp = await sbx.files.list("/tmp");
    const deep = await sbx.files.list("/tmp", { depth: 2 });

    expect(tmp.map((entry) => [entry.name, entry.type])).toEqual([
      ["inputs", "dir"],
      ["out.txt", "file"],
    ]);
    expect(deep.map((entry) => entry.path)).toEqual([
      "/tmp/inputs",
      "/tmp/inputs/a.txt",
      "/tmp/inputs/b.bin",
      "/tmp/out.txt",
    ]);
    expect(deep.find((entry) => entry.name === "a.txt")).toMatchObject({ size: 5, type: "file" });
    expect(await sbx.files.exists("/tmp/inputs/b.bin")).toBe(true);
    expect(await sbx.files.exists("/tmp/nope")).toBe(false);
  });

  it("when a relative path is written, then it lands in /home/user", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));

    await sbx.files.write("notes.txt", "hi");

    expect(fake.files(sbx.sandboxId).get("/home/user/notes.txt")?.toString()).toBe("hi");
  });
});

describe("given only the E2B_* environment variables", () => {
  it("when the SDK is used without connection options, then control plane and sandbox calls reach the fake", async () => {
    const fake = await start();
    vi.stubEnv("E2B_API_KEY", fake.apiKey);
    vi.stubEnv("E2B_API_URL", fake.apiUrl);
    vi.stubEnv("E2B_SANDBOX_URL", fake.sandboxUrl);
    fake.enqueueExecution({ kind: "execution", steps: [{ type: "result", text: "2", isMainResult: true }] });

    const sbx = await Sandbox.create();
    const execution = await sbx.runCode("1 + 1");
    await sbx.files.write("/tmp/a.txt", "x");

    expect(execution.text).toBe("2");
    expect(fake.requests.map((request) => [request.surface, request.path])).toEqual([
      ["api", "/v2/sandboxes"],
      ["jupyter", "/execute"],
      ["envd", "/files"],
    ]);
  });
});

describe("given a running sandbox and a second client", () => {
  it("when Sandbox.connect is called, then it reuses the sandbox and extends its life", async () => {
    let now = 0;
    const fake = await start({ clock: () => now });
    const sbx = await Sandbox.create({ ...connection(fake), timeoutMs: 60_000 });
    fake.writeFile(sbx.sandboxId, "/tmp/state.json", "{}");
    now = 50_000;

    const again = await Sandbox.connect(sbx.sandboxId, { ...connection(fake), timeoutMs: 300_000 });

    expect(await again.files.read("/tmp/state.json")).toBe("{}");
    expect(fake.sandbox(sbx.sandboxId).endAt).toBe(350_000);
  });
});
