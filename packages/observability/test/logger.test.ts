import { describe, expect, it } from "vitest";
import { createLogger, withCorrelation } from "../src/index.ts";
import { memoryDestination } from "./memory-destination.ts";

function setup(level = "info") {
  const destination = memoryDestination();
  const logger = createLogger({ level, name: "test-service", destination, base: { service: "bot" } });
  return { destination, logger };
}

function onlyRecord(destination: ReturnType<typeof memoryDestination>): Record<string, unknown> {
  const records = destination.records();
  expect(records).toHaveLength(1);
  return records[0] ?? {};
}

describe("given a JSON logger", () => {
  it("when a line is logged, then it is one JSON object with a level label, ISO time, name and base fields", () => {
    const { destination, logger } = setup();

    logger.info({ chatId: 7 }, "hello");

    expect(destination.chunks[0]?.endsWith("\n")).toBe(true);
    const record = onlyRecord(destination);
    expect(record).toMatchObject({
      level: "info",
      msg: "hello",
      name: "test-service",
      service: "bot",
      chatId: 7,
    });
    expect(record.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(record).toHaveProperty("pid", process.pid);
  });

  it("when a line is below the level, then nothing is written", () => {
    const { destination, logger } = setup("warn");

    logger.info("quiet");

    expect(destination.chunks).toEqual([]);
  });

  it("when an unknown level is asked for, then creation fails", () => {
    expect(() => createLogger({ level: "verbose", destination: memoryDestination() })).toThrow(/verbose/);
  });
});

describe("given log objects holding secrets", () => {
  it("when they are logged, then secret-named fields are redacted at any depth and the rest is kept", () => {
    const { destination, logger } = setup();
    const payload = {
      token: "t-top",
      config: { apiKey: "k-nested", api_key: "k-snake", inputTokens: 12 },
      req: { headers: { authorization: "Bearer h-deep", accept: "json" } },
      providers: [{ name: "anthropic", anthropicApiKey: "k-in-array" }],
      a: { b: { c: { d: { password: "p-very-deep" } } } },
      hasToken: true,
    };

    logger.info(payload, "calling");

    const record = onlyRecord(destination);
    expect(record).toMatchObject({
      token: "[redacted]",
      config: { apiKey: "[redacted]", api_key: "[redacted]", inputTokens: 12 },
      req: { headers: { authorization: "[redacted]", accept: "json" } },
      providers: [{ name: "anthropic", anthropicApiKey: "[redacted]" }],
      a: { b: { c: { d: { password: "[redacted]" } } } },
      hasToken: true,
    });
    for (const secret of ["t-top", "k-nested", "k-snake", "h-deep", "k-in-array", "p-very-deep"]) {
      expect(destination.chunks[0]).not.toContain(secret);
    }
  });

  it("when they are logged, then the caller's object is not mutated", () => {
    const { logger } = setup();
    const payload = { nested: { token: "keep-me" }, big: 1n };

    logger.info(payload, "x");

    expect(payload).toEqual({ nested: { token: "keep-me" }, big: 1n });
  });

  it("when a child logger is bound to secrets or bigints, then its bindings are sanitised too", () => {
    const { destination, logger } = setup();

    logger
      .child({ opsToken: "child-secret" })
      .child({ position: 2n ** 64n })
      .info("from grandchild");

    const record = onlyRecord(destination);
    expect(record).toMatchObject({ opsToken: "[redacted]", position: "18446744073709551616" });
  });
});

describe("given values JSON cannot represent", () => {
  it("when bigints are logged at any depth, then they are written as exact decimal strings", () => {
    const { destination, logger } = setup();

    logger.info({ position: 9007199254740993n, nested: { list: [1n, -2n] } }, "bigints");

    expect(onlyRecord(destination)).toMatchObject({
      position: "9007199254740993",
      nested: { list: ["1", "-2"] },
    });
  });

  it("when an object is cyclic, then the cycle is cut instead of throwing", () => {
    const { destination, logger } = setup();
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;

    logger.info({ cyclic }, "cycle");

    expect(onlyRecord(destination)).toMatchObject({ cyclic: { id: 1, self: "[Circular]" } });
  });
});

describe("given an error with a cause chain", () => {
  const root = Object.assign(new Error("connection refused"), { code: "ECONNREFUSED" });
  const middle = new TypeError("query failed", { cause: root });
  const top = new Error("append failed", { cause: middle });

  it("when it is logged under err, then type, message, stack, extra fields and every cause are present", () => {
    const { destination, logger } = setup();

    logger.error({ err: top }, "store error");

    expect(onlyRecord(destination)).toMatchObject({
      msg: "store error",
      err: {
        type: "Error",
        message: "append failed",
        stack: expect.stringContaining("append failed"),
        cause: {
          type: "TypeError",
          message: "query failed",
          cause: { type: "Error", message: "connection refused", code: "ECONNREFUSED" },
        },
      },
    });
  });

  it("when the error itself is the first argument, then it is logged under err with its message", () => {
    const { destination, logger } = setup();

    logger.error(top);

    expect(onlyRecord(destination)).toMatchObject({
      msg: "append failed",
      err: { message: "append failed", cause: { message: "query failed" } },
    });
  });

  it("when the cause chain is circular or aggregated, then it is serialised without looping", () => {
    const { destination, logger } = setup();
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    Object.defineProperty(a, "cause", { value: b });
    const aggregate = new AggregateError([new Error("first"), "second"], "many");

    logger.error({ err: a, aggregate }, "odd errors");

    expect(onlyRecord(destination)).toMatchObject({
      err: { message: "a", cause: { message: "b", cause: "[Circular]" } },
      aggregate: { type: "AggregateError", errors: [{ message: "first" }, "second"] },
    });
  });
});

describe("given correlation ids", () => {
  it("when a correlated child logs, then only the defined ids are bound to the line", () => {
    const { destination, logger } = setup();

    withCorrelation(logger, { updateId: 42, threadKey: "chat:1:thread:2", projection: "balances" }).info(
      "handled",
    );

    const record = onlyRecord(destination);
    expect(record).toMatchObject({ updateId: 42, threadKey: "chat:1:thread:2", projection: "balances" });
    expect(record).not.toHaveProperty("userId");
    expect(record).not.toHaveProperty("correlationId");
  });
});

describe("given a pretty logger", () => {
  it("when a line is logged, then it is a compact human line rather than JSON, still redacted", () => {
    const destination = memoryDestination();
    const logger = createLogger({ level: "info", pretty: true, name: "bot", destination });

    logger.warn({ attempt: 2, reason: "rate limited", apiKey: "k-pretty", big: 5n }, "retrying");

    expect(destination.chunks).toHaveLength(1);
    expect(destination.chunks[0]).toMatch(
      /^\d{2}:\d{2}:\d{2}\.\d{3} WARN {2}\(bot\) retrying attempt=2 reason="rate limited" apiKey=\[redacted\] big=5\n$/,
    );
  });

  it("when an error is logged, then its stack and causes follow the line, indented", () => {
    const destination = memoryDestination();
    const logger = createLogger({ level: "info", pretty: true, destination });

    logger.error({ err: new Error("outer", { cause: new Error("inner") }) }, "failed");

    const lines = (destination.chunks[0] ?? "").split("\n");
    expect(lines[0]).toMatch(/ ERROR failed$/);
    expect(lines[1]).toBe("    Error: outer");
    expect(lines).toContain("    caused by: Error: inner");
  });
});
