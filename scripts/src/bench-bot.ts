/**
 * pnpm bench:bot — the bot process under load, against the fake Telegram and
 * Anthropic servers: 200 concurrent private conversations, the model streaming
 * ~50 tokens/s for ~10 s each, on PGlite and (with DATABASE_URL) server PostgreSQL.
 *
 * Prints, per backend: bot overhead per turn (the bot's own measure, logged with
 * each "model request sent": update received → model request sent, batching window
 * excluded) p50/p99, and the same seen from outside (update pushed into the fake
 * Telegram → request arrived at the fake Anthropic, window subtracted: adds long-poll
 * delivery and both HTTP hops), first model token → first draft
 * p50/p99, event-loop delay p99 (the bot's own prom-client gauge, worst 1 s window),
 * peak RSS (VmHWM of the bot process), events appended per second, conversations
 * completed. The last line is one JSON object `{"pglite": {...}, "postgres": {...}}`.
 *
 * The fakes run in this process and the bot in a child process, so the bot's
 * event loop and memory are its own. Conversations start spread over BENCH_RAMP_MS
 * (5 s), so at the peak all of them stream at once. Options (env):
 * BENCH_CONVERSATIONS (200), BENCH_TOKENS (500), BENCH_TOKENS_PER_SECOND (50).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createPostgresClient } from "@bot/sql";
import { startFakeAnthropic, startFakeBotApi } from "@bot/testkit";

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 500);
const TOKENS_PER_SECOND = Number(process.env.BENCH_TOKENS_PER_SECOND ?? 50);
const BATCH_WINDOW_MS = 150;
/** Conversations start spread over this time, as people write: all of them then stream at once. */
const RAMP_MS = Number(process.env.BENCH_RAMP_MS ?? 5000);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const main = join(root, "services", "bot", "src", "main.ts");

interface Figures {
  overhead_p50_ms: number;
  overhead_p99_ms: number;
  push_to_request_p50_ms: number;
  push_to_request_p99_ms: number;
  first_draft_p50_ms: number;
  first_draft_p99_ms: number;
  loop_delay_p99_ms: number;
  peak_rss_mb: number;
  events_per_s: number;
  conversations_completed: number;
}

const say = (label: string, text: string) => process.stderr.write(`[${label}] ${text}\n`);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function answerText(): string {
  const words = [
    "The",
    "event",
    "log",
    "keeps",
    "every",
    "fact",
    "so",
    "answers",
    "can",
    "be",
    "replayed",
    "later.",
  ];
  return Array.from({ length: TOKENS }, (_, i) => words[i % words.length]).join(" ");
}

async function metric(opsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name) && (line[name.length] === " " || line[name.length] === "{")) {
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return total;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

interface RunningBot {
  readonly child: ChildProcess;
  readonly opsUrl: string;
  readonly exited: Promise<number | null>;
  /** `turnOverheadMs` of every "model request sent" the bot has logged. */
  readonly turnOverheads: number[];
  /** Its parts: receiving and recording the message; window end to the request. */
  readonly recordMs: number[];
  readonly startMs: number[];
}

async function startBot(env: Record<string, string>): Promise<RunningBot> {
  const { DATABASE_URL: _d, EVENTSTORE_URL: _e, DATA_DIR: _dd, ...inherited } = process.env;
  const profile = process.env.BENCH_CPU_PROFILE_DIR
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", main], {
    cwd: root,
    env: { ...inherited, OPS_PORT: "0", LOG_LEVEL: "info", BOT_RUN_PROJECTIONS: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const turnOverheads: number[] = [];
  const recordMs: number[] = [];
  const startMs: number[] = [];
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
  const opsUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start: ${stderr.join("")}`)), 90_000);
    void exited.then((code) => reject(new Error(`bot exited with ${code}: ${stderr.join("")}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      try {
        const entry = JSON.parse(line) as {
          msg?: string;
          ops?: string;
          level?: string;
          turnOverheadMs?: number | null;
          recordMs?: number | null;
          startMs?: number | null;
        };
        if (entry.msg === "model request sent" && typeof entry.turnOverheadMs === "number") {
          turnOverheads.push(entry.turnOverheadMs);
          recordMs.push(entry.recordMs ?? Number.NaN);
          startMs.push(entry.startMs ?? Number.NaN);
        } else if (entry.msg === "bot started" && entry.ops) {
          clearTimeout(timer);
          resolve(entry.ops);
        } else if (entry.level === "error" || entry.level === "fatal") {
          process.stderr.write(`bot: ${line}\n`);
        }
      } catch {
        // Not a log line.
      }
    });
  });
  return { child, opsUrl, exited, turnOverheads, recordMs, startMs };
}

async function benchBackend(label: string, storeEnv: Record<string, string>): Promise<Figures> {
  const telegram = await startFakeBotApi();
  const anthropic = await startFakeAnthropic({ tokensPerSecond: TOKENS_PER_SECOND });
  const text = answerText();
  anthropic.respondWith(() => ({ kind: "message", blocks: [{ type: "text", text }] }));
  const bot = await startBot({
    ...storeEnv,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    ANTHROPIC_API_KEY: "bench-key",
    ANTHROPIC_BASE_URL: anthropic.baseURL,
    BATCH_WINDOW_MS: String(BATCH_WINDOW_MS),
  });
  try {
    const users = Array.from({ length: CONVERSATIONS }, (_, i) =>
      telegram.user({ id: 7_000_000 + i, first_name: `User${i}` }),
    );
    const expectedFinal = text;
    const finalFor = (chatId: number) =>
      telegram
        .calls("sendMessage")
        .some(
          (call) => call.params.chat_id === chatId && call.response.ok && call.params.text === expectedFinal,
        );

    // Warm-up: a few conversations so JIT and connection pools are ready.
    const warm = Array.from({ length: 3 }, (_, i) =>
      telegram.user({ id: 6_000_000 + i, first_name: "Warm" }),
    );
    for (const user of warm)
      telegram.pushText({ chat: telegram.privateChat(user), from: user, text: "warm up" });
    const warmDeadline = Date.now() + 60_000;
    while (!warm.every((user) => finalFor(user.id)) && Date.now() < warmDeadline)
      await new Promise((r) => setTimeout(r, 200));
    say(label, "warm-up done");
    for (const samples of [bot.turnOverheads, bot.recordMs, bot.startMs]) samples.length = 0;

    const eventsBefore = await metric(bot.opsUrl, "bot_eventstore_events_appended_total");
    // prom-client resets its event-loop histogram on every scrape: this one drops the
    // start-up and warm-up, the ones below each cover one second of the run.
    await metric(bot.opsUrl, "nodejs_eventloop_lag_p99_seconds");
    let worstLag = 0;
    const lagSampler = setInterval(() => {
      metric(bot.opsUrl, "nodejs_eventloop_lag_p99_seconds")
        .then((seconds) => {
          worstLag = Math.max(worstLag, seconds);
        })
        .catch(() => undefined);
    }, 1000);
    const pushedAt = new Map<number, number>();
    const started = Date.now();
    for (const [index, user] of users.entries()) {
      const due = started + (index * RAMP_MS) / users.length;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const chat = telegram.privateChat(user);
      pushedAt.set(user.id, Date.now());
      telegram.pushText({ chat, from: user, text: `Tell me about event sourcing, please (${user.id}).` });
    }
    const deadline = Date.now() + 30_000 + (TOKENS / TOKENS_PER_SECOND) * 1000 * 3;
    let completed = 0;
    while (Date.now() < deadline) {
      completed = users.filter((user) => finalFor(user.id)).length;
      if (completed === users.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const seconds = (Date.now() - started) / 1000;
    clearInterval(lagSampler);
    const eventsAfter = await metric(bot.opsUrl, "bot_eventstore_events_appended_total");
    if (process.env.BENCH_DEBUG) {
      const text = await (await fetch(`${bot.opsUrl}/metrics`)).text();
      process.stderr.write(
        `${text
          .split("\n")
          .filter((line) =>
            /append_duration_seconds_(sum|count)|projection_batch_duration_seconds_(sum|count)|projection_events_applied/.test(
              line,
            ),
          )
          .join("\n")}\n`,
      );
    }

    const pushToRequest: number[] = [];
    const firstDraft: number[] = [];
    const benchUsers = new Set(users.map((user) => user.id));
    for (const request of anthropic.requests) {
      const metadata = request.body.metadata as { user_id?: string } | undefined;
      const userId = Number(metadata?.user_id);
      if (!benchUsers.has(userId)) continue;
      const pushed = pushedAt.get(userId);
      if (pushed !== undefined) pushToRequest.push(request.receivedAt - pushed - BATCH_WINDOW_MS);
      if (request.firstTokenAt !== null) {
        const draft = telegram
          .calls("sendMessageDraft")
          .find((call) => call.params.chat_id === userId && call.at >= (request.firstTokenAt as number));
        if (draft) firstDraft.push(draft.at - request.firstTokenAt);
      }
    }
    const figures: Figures = {
      overhead_p50_ms: round(percentile(bot.turnOverheads, 50)),
      overhead_p99_ms: round(percentile(bot.turnOverheads, 99)),
      push_to_request_p50_ms: round(percentile(pushToRequest, 50)),
      push_to_request_p99_ms: round(percentile(pushToRequest, 99)),
      first_draft_p50_ms: round(percentile(firstDraft, 50)),
      first_draft_p99_ms: round(percentile(firstDraft, 99)),
      loop_delay_p99_ms: round(worstLag * 1000),
      peak_rss_mb: round(peakRssMb(bot.child.pid as number)),
      events_per_s: round((eventsAfter - eventsBefore) / seconds),
      conversations_completed: completed,
    };
    say(
      label,
      `${completed}/${users.length} conversations in ${round(seconds)} s; overhead p50 ${figures.overhead_p50_ms} ms p99 ${figures.overhead_p99_ms} ms ` +
        `[record p50 ${percentile(bot.recordMs, 50)} p99 ${percentile(bot.recordMs, 99)}, ` +
        `start p50 ${percentile(bot.startMs, 50)} p99 ${percentile(bot.startMs, 99)}] ` +
        `(pushed → request p50 ${figures.push_to_request_p50_ms} ms p99 ${figures.push_to_request_p99_ms} ms); ` +
        `first draft p50 ${figures.first_draft_p50_ms} ms p99 ${figures.first_draft_p99_ms} ms; loop delay p99 ${figures.loop_delay_p99_ms} ms; ` +
        `peak RSS ${figures.peak_rss_mb} MB; ${figures.events_per_s} events/s; drafts sent ${telegram.calls("sendMessageDraft").length}`,
    );
    return figures;
  } finally {
    bot.child.kill("SIGTERM");
    await bot.exited;
    await telegram.close();
    await anthropic.close();
  }
}

async function withTemporaryDatabase<T>(url: string, work: (databaseUrl: string) => Promise<T>): Promise<T> {
  const database = `bench_bot_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const admin = createPostgresClient({ connectionString: url, maxConnections: 1 });
  await admin.exec(`CREATE DATABASE ${database}`);
  try {
    const target = new URL(url);
    target.pathname = `/${database}`;
    return await work(target.toString());
  } finally {
    await admin.exec(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.close();
  }
}

const cpu = cpus();
process.stderr.write(
  `machine: ${cpu.length} x ${cpu[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ` +
    `${CONVERSATIONS} conversations, ${TOKENS} tokens at ${TOKENS_PER_SECOND}/s each\n`,
);
const result: Record<string, Figures> = {};
const dataDir = mkdtempSync(join(tmpdir(), "bench-bot-"));
try {
  result.pglite = await benchBackend("pglite", { DATA_DIR: dataDir });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const url = process.env.DATABASE_URL;
if (url)
  result.postgres = await withTemporaryDatabase(url, (databaseUrl) =>
    benchBackend("postgres", { DATABASE_URL: databaseUrl }),
  );
else process.stderr.write("[postgres] skipped: set DATABASE_URL to benchmark server PostgreSQL\n");
process.stdout.write(`${JSON.stringify(result)}\n`);
