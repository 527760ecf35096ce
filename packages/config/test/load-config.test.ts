import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppConfig, ConfigError, loadConfig } from "../src/index.ts";
import { makeTempDir, type TempDir } from "./temp-dir.ts";

let dir: TempDir;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => {
  dir.remove();
});

function load(env: Record<string, string | undefined>): AppConfig {
  return loadConfig({ env, cwd: dir.path });
}

function issuesOf(run: () => unknown): ConfigError["issues"] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected loadConfig to throw a ConfigError");
}

describe("given an empty environment and no secret files", () => {
  it("when the config is loaded, then every setting takes its default", () => {
    const config = load({});

    expect(config).toEqual({
      nodeEnv: "development",
      log: { level: "info", pretty: false },
      dataDir: join(dir.path, "data"),
      eventStoreSchema: "es",
      store: { kind: "pglite", dataDir: join(dir.path, "data"), schema: "es" },
      ops: { host: "127.0.0.1", port: 9464 },
      projections: "all",
      secrets: {},
      endpoints: { telegramApiRoot: "https://api.telegram.org" },
      bot: {
        runProjections: "auto",
        batchWindowMs: 150,
        passivateAfterMs: 600_000,
        cadence: { draftIntervalMs: 500, editIntervalMs: 1000, groupEditIntervalMs: 3000 },
        maxOutputTokens: 16_000,
      },
      money: { starterBalance: 100_000_000, privilegedUsers: [], invoiceTtlMinutes: 60 },
      tools: {
        maxIterations: 10,
        transcriptionModel: "whisper-1",
        imageModel: "gemini-3-pro-image",
        visionModel: "claude-haiku-4-5",
        critiqueModel: "claude-opus-5-5",
        webSearchMaxUses: 5,
        webFetchMaxUses: 5,
      },
      sources: {},
    });
  });

  it("when the money settings are given, then they are parsed: USD exactly, user ids from a list with comments", () => {
    const config = load({
      STARTER_BALANCE_USD: "0.5",
      PRIVILEGED_USERS: "123, 456\n# the owner\n789 123",
      INVOICE_TTL_MINUTES: "15",
      PAYSUPPORT_CONTACT: "@owner",
      REDIS_URL: "redis://:pw@127.0.0.1:6379/0",
    });
    expect(config.money).toEqual({
      starterBalance: 500_000_000,
      privilegedUsers: [123, 456, 789],
      invoiceTtlMinutes: 15,
      supportContact: "@owner",
    });
    expect(config.redisUrl).toBe("redis://:pw@127.0.0.1:6379/0");
    expect(JSON.stringify(config)).not.toContain(":pw@");
  });

  it("when a money setting is invalid, then the error names it and what was expected", () => {
    expect(() => load({ STARTER_BALANCE_USD: "-1" })).toThrow(
      /STARTER_BALANCE_USD.*non-negative USD amount/s,
    );
    expect(() => load({ PRIVILEGED_USERS: "123, bob" })).toThrow(/PRIVILEGED_USERS.*Telegram user ids/s);
    expect(() => load({ REDIS_URL: "http://x" })).toThrow(/REDIS_URL.*redis:\/\//s);
  });

  it("when webhook and pacing settings are given, then they are parsed and the webhook secret stays hidden", () => {
    const config = load({
      TELEGRAM_WEBHOOK_URL: "https://bot.example/telegram",
      TELEGRAM_WEBHOOK_SECRET: "s3cret_token-1",
      WEBHOOK_PORT: "8443",
      BOT_RUN_PROJECTIONS: "false",
      BATCH_WINDOW_MS: "300",
      DEFAULT_MODEL: "claude-opus-5",
    });
    expect(config.bot.webhook).toEqual({
      url: "https://bot.example/telegram",
      secret: "s3cret_token-1",
      host: "0.0.0.0",
      port: 8443,
    });
    expect(config.bot.runProjections).toBe(false);
    expect(config.bot.batchWindowMs).toBe(300);
    expect(config.bot.defaultModel).toBe("claude-opus-5");
    expect(JSON.stringify(config)).not.toContain("s3cret_token-1");
  });

  it("when a pacing setting is out of range, then the error names it and its range", () => {
    expect(() => load({ BATCH_WINDOW_MS: "99999", BOT_RUN_PROJECTIONS: "maybe" })).toThrow(
      /BOT_RUN_PROJECTIONS is invalid: expected auto, 1, true, 0 or false[\s\S]*BATCH_WINDOW_MS is invalid: expected an integer 0-10000/,
    );
  });

  it("when the config is loaded, then it is deeply frozen", () => {
    const config = load({});

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.ops)).toBe(true);
    expect(Object.isFrozen(config.store)).toBe(true);
  });
});

describe("given plain settings in the environment", () => {
  it("when they are valid, then they are parsed and normalised", () => {
    const config = load({
      NODE_ENV: "production",
      LOG_LEVEL: "DEBUG",
      LOG_PRETTY: "TRUE",
      DATA_DIR: "var/bot",
      EVENTSTORE_SCHEMA: "events_v2",
      OPS_HOST: "0.0.0.0",
      OPS_PORT: "0",
      PROJECTIONS: "balances, threads,balances",
      TELEGRAM_API_ROOT: "http://localhost:8081/",
      OPENAI_BASE_URL: "https://proxy.example/v1",
    });

    expect(config.nodeEnv).toBe("production");
    expect(config.log).toEqual({ level: "debug", pretty: true });
    expect(config.dataDir).toBe(join(dir.path, "var/bot"));
    expect(config.eventStoreSchema).toBe("events_v2");
    expect(config.ops).toEqual({ host: "0.0.0.0", port: 0 });
    expect(config.projections).toEqual(["balances", "threads"]);
    expect(config.endpoints).toEqual({
      telegramApiRoot: "http://localhost:8081",
      openaiBaseUrl: "https://proxy.example/v1",
    });
    expect(config.sources.OPS_PORT).toEqual({ kind: "env", variable: "OPS_PORT" });
  });

  it('when LOG_PRETTY is "0" and DATA_DIR is absolute, then pretty is off and the path is kept', () => {
    const config = load({ LOG_PRETTY: "0", DATA_DIR: "/srv/bot-data" });

    expect(config.log.pretty).toBe(false);
    expect(config.dataDir).toBe("/srv/bot-data");
  });

  it("when a value is blank, then it counts as unset and the default applies", () => {
    const config = load({ OPS_PORT: "  ", LOG_LEVEL: "" });

    expect(config.ops.port).toBe(9464);
    expect(config.log.level).toBe("info");
  });

  it('when PROJECTIONS is "all", then every projection is selected', () => {
    expect(load({ PROJECTIONS: "all" }).projections).toBe("all");
  });
});

describe("given the store URLs", () => {
  it("when only DATABASE_URL is set, then the store is server Postgres with the event store schema", () => {
    const config = load({ DATABASE_URL: "postgres://bot:pw@db:5432/bot", EVENTSTORE_SCHEMA: "es2" });

    expect(config.store).toEqual({ kind: "postgres", url: "postgres://bot:pw@db:5432/bot", schema: "es2" });
    expect(config.databaseUrl).toBe("postgres://bot:pw@db:5432/bot");
  });

  it("when only EVENTSTORE_URL is set, then the store is esdb", () => {
    const config = load({ EVENTSTORE_URL: "esdb://es1:2113,es2:2113?tls=false" });

    expect(config.store).toEqual({ kind: "esdb", url: "esdb://es1:2113,es2:2113?tls=false" });
  });

  it("when both are set, then esdb holds the events and the database URL stays available", () => {
    const config = load({
      DATABASE_URL: "postgresql://db/bot",
      EVENTSTORE_URL: "kurrentdb://es:2113",
    });

    expect(config.store.kind).toBe("esdb");
    expect(config.databaseUrl).toBe("postgresql://db/bot");
  });

  it("when neither is set, then the embedded PGlite store lives in the data dir", () => {
    const config = load({ DATA_DIR: "state" });

    expect(config.store).toEqual({ kind: "pglite", dataDir: join(dir.path, "state"), schema: "es" });
  });
});

describe("given invalid plain settings", () => {
  it("when the config is loaded, then each one is reported with what was expected and what was received", () => {
    const issues = issuesOf(() =>
      load({
        LOG_LEVEL: "verbose",
        OPS_PORT: "abc",
        TELEGRAM_API_ROOT: "api.telegram.org",
        EVENTSTORE_SCHEMA: "Bad-Name",
        LOG_PRETTY: "yes",
      }),
    );

    expect(issues).toEqual([
      {
        setting: "LOG_LEVEL",
        problem: "invalid",
        hint: 'expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
      },
      { setting: "LOG_PRETTY", problem: "invalid", hint: 'expected 1, true, 0 or false, got "yes"' },
      {
        setting: "EVENTSTORE_SCHEMA",
        problem: "invalid",
        hint: expect.stringMatching(/^expected a lowercase SQL identifier .*, got "Bad-Name"$/),
      },
      { setting: "OPS_PORT", problem: "invalid", hint: 'expected an integer 0-65535, got "abc"' },
      {
        setting: "TELEGRAM_API_ROOT",
        problem: "invalid",
        hint: 'expected an http:// or https:// URL, got "api.telegram.org"',
      },
    ]);
  });

  it("when the port is out of range, then the message names the range", () => {
    const issues = issuesOf(() => load({ OPS_PORT: "65536" }));

    expect(issues).toEqual([
      { setting: "OPS_PORT", problem: "invalid", hint: 'expected an integer 0-65535, got "65536"' },
    ]);
  });

  it("when the error is thrown, then its message has one line per issue", () => {
    expect(() => load({ OPS_PORT: "abc", NODE_ENV: "staging" })).toThrow(
      [
        'NODE_ENV is invalid: expected one of development, test, production, got "staging"',
        'OPS_PORT is invalid: expected an integer 0-65535, got "abc"',
      ].join("\n"),
    );
  });
});
