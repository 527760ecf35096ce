import {
  AuthenticationError,
  FileNotFoundError,
  RateLimitError,
  Sandbox,
  SandboxError,
  SandboxNotFoundError,
  TimeoutError,
} from "@e2b/code-interpreter";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeE2B, startFakeE2B } from "../src/index.ts";

const fakes: FakeE2B[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function start(): Promise<FakeE2B> {
  const fake = await startFakeE2B();
  fakes.push(fake);
  return fake;
}

function connection(fake: FakeE2B) {
  return { apiKey: fake.apiKey, apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl };
}

/** The rejection of a promise that must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("given an execution longer than timeoutMs", () => {
  it("when runCode waits 150 ms for a 5 s execution, then it throws TimeoutError and the fake sees the abort", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));
    fake.enqueueExecution({
      kind: "execution",
      steps: [
        { type: "stdout", text: "working\n" },
        { type: "delay", ms: 5_000 },
        { type: "stdout", text: "late\n" },
      ],
    });
    const lines: string[] = [];

    const error = await rejectionOf(
      sbx.runCode("import time; time.sleep(5)", {
        timeoutMs: 150,
        onStdout: (message) => {
          lines.push(message.line);
        },
      }),
    );

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain("Execution timed out");
    expect(lines).toEqual(["working\n"]);
    await expect
      .poll(() => fake.requests.find((request) => request.surface === "jupyter")?.aborted, { timeout: 5_000 })
      .toBe(true);
  });
});

describe("given an expired sandbox", () => {
  it("when the SDK uses it, then sandbox calls fail with TimeoutError (502) and the control plane says not found", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));

    fake.expire(sbx.sandboxId);

    const run = await rejectionOf(sbx.runCode("1 + 1"));
    const read = await rejectionOf(sbx.files.read("/tmp/x"));
    const info = await rejectionOf(Sandbox.getInfo(sbx.sandboxId, connection(fake)));
    expect(run).toBeInstanceOf(TimeoutError);
    expect((run as Error).message).toContain("sandbox timeout");
    expect(read).toBeInstanceOf(TimeoutError);
    expect(info).toBeInstanceOf(SandboxNotFoundError);
    expect(await sbx.isRunning()).toBe(false);
    expect(await sbx.kill()).toBe(false);
    expect(fake.sandbox(sbx.sandboxId).state).toBe("expired");
  });

  it("when the sandbox dies during an execution, then runCode throws TimeoutError naming the kill", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));
    fake.enqueueExecution({
      kind: "execution",
      steps: [{ type: "stdout", text: "start\n" }, { type: "expire" }],
    });

    const error = await rejectionOf(sbx.runCode("while True: pass"));

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain("killed while the request was in progress");
    expect(fake.sandbox(sbx.sandboxId).state).toBe("expired");
  });
});

describe("given control-plane errors", () => {
  it("when the API key is wrong, then Sandbox.create throws AuthenticationError and nothing is created", async () => {
    const fake = await start();

    const error = await rejectionOf(Sandbox.create({ ...connection(fake), apiKey: "e2b_wrong" }));

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(fake.sandboxes()).toEqual([]);
  });

  it("when creation is rate limited, then RateLimitError, and the next create succeeds", async () => {
    const fake = await start();
    fake.fail({ target: "create", status: 429, message: "too many sandboxes" });

    const error = await rejectionOf(Sandbox.create(connection(fake)));
    const sbx = await Sandbox.create(connection(fake));

    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toContain("too many sandboxes");
    expect(fake.sandbox(sbx.sandboxId).state).toBe("running");
  });

  it("when the API fails with 500, then SandboxError carries the status", async () => {
    const fake = await start();
    fake.fail({ target: "api", status: 500, message: "boom" });

    const error = await rejectionOf(Sandbox.create(connection(fake)));

    expect(error).toBeInstanceOf(SandboxError);
    expect((error as Error).message).toBe("500: boom");
  });

  it("when the template does not exist, then creation fails with 404", async () => {
    const fake = await start();

    const error = await rejectionOf(Sandbox.create("no-such-template", connection(fake)));

    expect((error as Error).message).toContain("404: template 'no-such-template' not found");
  });
});

describe("given sandbox-side errors", () => {
  it("when a file is missing, then files.read throws FileNotFoundError", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));

    const error = await rejectionOf(sbx.files.read("/tmp/missing.png"));

    expect(error).toBeInstanceOf(FileNotFoundError);
  });

  it("when /execute answers 500, then runCode throws SandboxError", async () => {
    const fake = await start();
    const sbx = await Sandbox.create(connection(fake));
    fake.fail({ target: "execute", status: 500 });

    const error = await rejectionOf(sbx.runCode("1"));

    expect(error).toBeInstanceOf(SandboxError);
    expect(fake.sandbox(sbx.sandboxId).executions).toBe(0);
  });
});
