import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppConfig, describeConfig, loadConfig } from "../src/index.ts";
import { makeTempDir, type TempDir } from "./temp-dir.ts";

const SECRET_VALUES = ["pg-pa55word", "123456:tg-s3cret", "sk-ant-s3cret", "ops-t0ken", "pay-s3cret"];

let dir: TempDir;
let config: AppConfig;
beforeEach(() => {
  dir = makeTempDir();
  dir.write("secrets/telegram_bot_token.txt", "123456:tg-s3cret\n");
  dir.write("secrets/ops_token.txt", "ops-t0ken");
  const payFile = dir.write("mounted/pay", "pay-s3cret");
  config = loadConfig({
    env: {
      DATABASE_URL: "postgres://bot:pg-pa55word@db/bot",
      ANTHROPIC_API_KEY: "sk-ant-s3cret",
      PAYMENT_PAYLOAD_SECRET_FILE: payFile,
      OPS_PORT: "9000",
    },
    cwd: dir.path,
  });
});
afterEach(() => {
  dir.remove();
});

describe("given a config holding secrets from env and files", () => {
  it("when it is described, then each secret is replaced by where it came from", () => {
    const described = describeConfig(config);

    expect(described.databaseUrl).toBe("[set via env]");
    expect(described.store).toEqual({ kind: "postgres", url: "[set via env]", schema: "es" });
    expect(described.ops).toEqual({
      host: "127.0.0.1",
      port: 9000,
      token: "[set via secrets/ops_token.txt]",
    });
    expect(described.secrets).toEqual({
      telegramBotToken: "[set via secrets/telegram_bot_token.txt]",
      anthropicApiKey: "[set via env]",
      paymentPayloadSecret: expect.stringMatching(/^\[set via .*mounted\/pay\]$/),
    });
    expect(described.sources).toBeUndefined();
  });

  it("when it is described, JSON-stringified or inspected, then no secret value appears", () => {
    const outputs = [
      JSON.stringify(describeConfig(config)),
      JSON.stringify(config),
      JSON.stringify({ nested: { ops: config.ops, secrets: config.secrets, store: config.store } }),
      inspect(config, { depth: 10 }),
    ];

    for (const output of outputs) {
      for (const secret of SECRET_VALUES) expect(output).not.toContain(secret);
    }
  });

  it("when it is JSON-stringified, then non-secret settings stay visible", () => {
    const json: unknown = JSON.parse(JSON.stringify(config));

    expect(json).toMatchObject({ ops: { port: 9000 }, log: { level: "info" }, nodeEnv: "development" });
  });

  it("when a secret is read directly, then the real value is still available to the code that needs it", () => {
    expect(config.secrets.anthropicApiKey).toBe("sk-ant-s3cret");
    expect(config.ops.token).toBe("ops-t0ken");
  });
});
