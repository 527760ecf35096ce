import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/index.ts";
import { makeTempDir, type TempDir } from "./temp-dir.ts";

let dir: TempDir;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => {
  dir.remove();
});

function catchConfigError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("given a secret in the secrets directory", () => {
  it("when the config is loaded, then the trimmed file content is used and its origin recorded", () => {
    dir.write("secrets/telegram_bot_token.txt", "  123:from-file\n");

    const config = loadConfig({ env: {}, cwd: dir.path });

    expect(config.secrets.telegramBotToken).toBe("123:from-file");
    expect(config.sources.TELEGRAM_BOT_TOKEN).toEqual({
      kind: "file",
      path: "secrets/telegram_bot_token.txt",
    });
  });

  it("when the env var is also set, then the env var wins", () => {
    dir.write("secrets/anthropic_api_key.txt", "sk-from-file");

    const config = loadConfig({ env: { ANTHROPIC_API_KEY: "sk-from-env" }, cwd: dir.path });

    expect(config.secrets.anthropicApiKey).toBe("sk-from-env");
    expect(config.sources.ANTHROPIC_API_KEY).toEqual({ kind: "env", variable: "ANTHROPIC_API_KEY" });
  });

  it("when a custom secretsDir is given, then secrets are read from there instead", () => {
    dir.write("secrets/ops_token.txt", "default-dir");
    dir.write("vault/ops_token.txt", "custom-dir");

    const config = loadConfig({ env: {}, cwd: dir.path, secretsDir: "vault" });

    expect(config.ops.token).toBe("custom-dir");
  });

  it("when the file is empty, then the secret counts as missing", () => {
    dir.write("secrets/openai_api_key.txt", " \n");

    expect(loadConfig({ env: {}, cwd: dir.path }).secrets).toEqual({});
    const error = catchConfigError(() => loadConfig({ env: {}, cwd: dir.path, require: ["OPENAI_API_KEY"] }));
    expect(error.issues).toEqual([
      {
        setting: "OPENAI_API_KEY",
        problem: "missing",
        hint: "set the env var OPENAI_API_KEY or write it to secrets/openai_api_key.txt",
      },
    ]);
  });

  it("when the secret file path is a directory, then the secret is reported unreadable", () => {
    mkdirSync(join(dir.path, "secrets/e2b_api_key.txt"), { recursive: true });

    const error = catchConfigError(() => loadConfig({ env: {}, cwd: dir.path }));

    expect(error.issues).toEqual([
      {
        setting: "E2B_API_KEY",
        problem: "unreadable",
        hint: "secrets/e2b_api_key.txt exists but cannot be read (EISDIR)",
      },
    ]);
  });
});

describe("given a NAME_FILE env var", () => {
  it("when it points at a file relative to cwd, then that file's content is used over the secrets directory", () => {
    dir.write("secrets/gemini_api_key.txt", "from-secrets-dir");
    dir.write("mounted/gemini", "from-named-file\n");

    const config = loadConfig({ env: { GEMINI_API_KEY_FILE: "mounted/gemini" }, cwd: dir.path });

    expect(config.secrets.geminiApiKey).toBe("from-named-file");
    expect(config.sources.GEMINI_API_KEY).toEqual({
      kind: "file",
      path: "mounted/gemini",
      variable: "GEMINI_API_KEY_FILE",
    });
  });

  it("when it is an absolute path, then that file is read", () => {
    const file = dir.write("elsewhere/pay.secret", "payload-secret");

    const config = loadConfig({ env: { PAYMENT_PAYLOAD_SECRET_FILE: file }, cwd: dir.path });

    expect(config.secrets.paymentPayloadSecret).toBe("payload-secret");
  });

  it("when the plain env var is also set, then the env var still wins", () => {
    const file = dir.write("named", "from-file");

    const config = loadConfig({ env: { OPS_TOKEN: "from-env", OPS_TOKEN_FILE: file }, cwd: dir.path });

    expect(config.ops.token).toBe("from-env");
  });

  it("when the named file does not exist, then the secret is reported unreadable instead of silently unset", () => {
    const error = catchConfigError(() =>
      loadConfig({ env: { TELEGRAM_BOT_TOKEN_FILE: "/nonexistent/token" }, cwd: dir.path }),
    );

    expect(error.issues).toEqual([
      {
        setting: "TELEGRAM_BOT_TOKEN",
        problem: "unreadable",
        hint: "TELEGRAM_BOT_TOKEN_FILE points to /nonexistent/token, which does not exist",
      },
    ]);
  });
});

describe("given a service that requires several secrets", () => {
  it("when none are provided, then one error lists every missing one", () => {
    const error = catchConfigError(() =>
      loadConfig({
        env: { OPS_PORT: "abc" },
        cwd: dir.path,
        require: ["TELEGRAM_BOT_TOKEN", "ANTHROPIC_API_KEY", "DATABASE_URL", "OPENAI_BASE_URL"],
      }),
    );

    expect(error.name).toBe("ConfigError");
    expect(error.message.split("\n")).toEqual([
      "DATABASE_URL is missing: set the env var DATABASE_URL or write it to secrets/database_url.txt",
      'OPS_PORT is invalid: expected an integer 0-65535, got "abc"',
      "TELEGRAM_BOT_TOKEN is missing: set the env var TELEGRAM_BOT_TOKEN or write it to secrets/telegram_bot_token.txt",
      "ANTHROPIC_API_KEY is missing: set the env var ANTHROPIC_API_KEY or write it to secrets/anthropic_api_key.txt",
      "OPENAI_BASE_URL is missing: set the env var OPENAI_BASE_URL",
    ]);
  });

  it("when all are provided, then loading succeeds", () => {
    dir.write("secrets/telegram_bot_token.txt", "42:abc");

    const config = loadConfig({
      env: { ANTHROPIC_API_KEY: "sk-ant" },
      cwd: dir.path,
      require: ["TELEGRAM_BOT_TOKEN", "ANTHROPIC_API_KEY"],
    });

    expect(config.secrets).toEqual({ telegramBotToken: "42:abc", anthropicApiKey: "sk-ant" });
  });
});

describe("given invalid secret values", () => {
  it("when the config is loaded, then the error names the problem and origin but never the value", () => {
    dir.write("secrets/database_url.txt", "mysql://bot:hunter2@db/bot");

    const error = catchConfigError(() =>
      loadConfig({
        env: { EVENTSTORE_URL: "https://es:2113?pw=swordfish", TELEGRAM_BOT_TOKEN: "no-colon-s3cr3t" },
        cwd: dir.path,
      }),
    );

    expect(error.issues).toEqual([
      {
        setting: "DATABASE_URL",
        problem: "invalid",
        hint: "expected a postgres:// or postgresql:// URL, got a value from secrets/database_url.txt (not shown: it is a secret)",
      },
      {
        setting: "EVENTSTORE_URL",
        problem: "invalid",
        hint: "expected a URL starting with esdb://, esdb+discover:// or kurrentdb://, got a value from the env var EVENTSTORE_URL (not shown: it is a secret)",
      },
      {
        setting: "TELEGRAM_BOT_TOKEN",
        problem: "invalid",
        hint: "expected <bot id>:<secret> as issued by @BotFather, got a value from the env var TELEGRAM_BOT_TOKEN (not shown: it is a secret)",
      },
    ]);
    for (const secret of ["hunter2", "swordfish", "s3cr3t"]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error.issues)).not.toContain(secret);
    }
  });
});
