import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type FakeAnthropic, type FakeBotApi, startFakeAnthropic, startFakeBotApi } from "@bot/testkit";
import { afterAll, beforeAll } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const main = join(root, "services", "bot", "src", "main.ts");

/**
 * Short cadences for end-to-end tests: a short batching window and frequent
 * previews, so streaming shows several drafts or edits within a second or two.
 */
export const FAST_ENV: Readonly<Record<string, string>> = {
  BATCH_WINDOW_MS: "30",
  DRAFT_INTERVAL_MS: "100",
  EDIT_INTERVAL_MS: "150",
  GROUP_EDIT_INTERVAL_MS: "250",
};

/** A bot process under test, with its fakes. */
export interface BotUnderTest {
  readonly telegram: FakeBotApi;
  readonly anthropic: FakeAnthropic;
  readonly dataDir: string;
  child: ChildProcess;
  opsUrl: string;
  /** Log lines of every run: stdout JSON lines, and stderr text prefixed with "stderr: ". */
  logs: string[];
  /** Starts (or restarts) the bot process on the same data directory. */
  start(extraEnv?: Record<string, string>): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  close(): Promise<void>;
}

/**
 * The test runner's environment without the store settings (each bot gets its own
 * embedded data directory) and without REDIS_URL (rate limits and input states stay in
 * the process, so parallel test files never share keys).
 */
function storeFreeEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, EVENTSTORE_URL: _e, DATA_DIR: _dd, REDIS_URL: _r, ...rest } = process.env;
  return rest;
}

/** Starts the fakes and the real bot process (node --import tsx) against them, on an embedded store. */
export async function startBotUnderTest(
  options: {
    env?: Record<string, string>;
    dataDir?: string;
    bot?: Parameters<typeof startFakeBotApi>[0];
  } = {},
): Promise<BotUnderTest> {
  const telegram = await startFakeBotApi(options.bot ?? {});
  const anthropic = await startFakeAnthropic();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "bot-e2e-"));
  let exited: Promise<number | null> = Promise.resolve(null);
  const harness: BotUnderTest = {
    telegram,
    anthropic,
    dataDir,
    child: null as unknown as ChildProcess,
    opsUrl: "",
    logs: [],
    async start(extraEnv = {}) {
      const child = spawn(process.execPath, ["--import", "tsx", main], {
        cwd: root,
        env: {
          ...storeFreeEnv(),
          DATA_DIR: dataDir,
          TELEGRAM_BOT_TOKEN: telegram.token,
          TELEGRAM_API_ROOT: telegram.apiRoot,
          ANTHROPIC_API_KEY: "test-key",
          ANTHROPIC_BASE_URL: anthropic.baseURL,
          OPS_PORT: "0",
          LOG_LEVEL: "info",
          // Conversation tests should never meet the balance; money tests set their own.
          STARTER_BALANCE_USD: "100",
          ...options.env,
          ...extraEnv,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      harness.child = child;
      exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
      const stderr: string[] = [];
      child.stderr?.on("data", (chunk) => {
        stderr.push(String(chunk));
        harness.logs.push(`stderr: ${String(chunk)}`);
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bot did not start: ${stderr.join("")}`)), 60_000);
        void exited.then((code) => reject(new Error(`bot exited with ${code}: ${stderr.join("")}`)));
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
          harness.logs.push(line);
          try {
            const entry = JSON.parse(line) as { msg?: string; ops?: string };
            if (entry.msg === "bot started" && entry.ops) {
              harness.opsUrl = entry.ops;
              clearTimeout(timer);
              resolve();
            }
          } catch {
            // Not a log line.
          }
        });
      });
    },
    async kill(signal = "SIGTERM") {
      harness.child.kill(signal);
      return exited;
    },
    async close() {
      if (harness.child && harness.child.exitCode === null && harness.child.signalCode === null) {
        harness.child.kill("SIGKILL");
        await exited;
      }
      await telegram.close();
      await anthropic.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * Starts one bot for the enclosing `describe` (in `beforeAll`, closed in `afterAll`) and
 * returns it. The value is a stand-in that forwards to the bot once it has started, so
 * suites can write `const bot = botForSuite(...)` and use `bot.telegram` in their tests.
 */
export function botForSuite(options: Parameters<typeof startBotUnderTest>[0] = {}): BotUnderTest {
  let started: BotUnderTest | undefined;
  beforeAll(async () => {
    started = await startBotUnderTest(options);
    await started.start();
  }, 90_000);
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as BotUnderTest, {
    get(_target, key) {
      if (!started) throw new Error(`the suite's bot is not started yet (reading ${String(key)})`);
      return Reflect.get(started, key);
    },
  });
}
