import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ChargeDraft,
  type DomainEvent,
  decideThread,
  domainEvents,
  type EventClock,
  evolveThread,
  fixedClock,
  initialThreadState,
  sequentialIds,
  stampEvents,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadKey,
  type ThreadState,
  type TokenQuantities,
  threadStream,
  tokenQuantities,
} from "@bot/domain";
import { comparePositions, type EventStore, type Position } from "@bot/eventstore";
import { LOCK_FILE } from "@bot/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "./support/run-cli.ts";
import { withStore } from "./support/with-store.ts";

const _root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const databaseUrl = process.env.DATABASE_URL || undefined;

function charge(
  amount: number,
  userAmount: number,
  estimated: boolean,
  quantities: TokenQuantities,
): ChargeDraft {
  return {
    callIndex: 0,
    modelId: "claude-opus",
    priceTableVersion: "2024-09",
    estimated,
    quantities,
    amount,
    userAmount,
    cacheWriteSubsidised: false,
  };
}

/** Writes a thread as the bot would: decide, stamp, append at the expected revision, evolve. */
class SeededThread {
  state: ThreadState = initialThreadState;
  readonly stream: string;
  #revision: bigint | "no_stream" = "no_stream";

  constructor(
    readonly store: EventStore<DomainEvent>,
    readonly key: ThreadKey,
    readonly source: EventClock & { clock: ReturnType<typeof fixedClock> },
  ) {
    this.stream = threadStream(key);
  }

  async run(command: ThreadCommand): Promise<void> {
    this.source.clock.advance(1000);
    const drafts = decideThread(command, this.state);
    if (drafts.length === 0) throw new Error(`${command.type} decided nothing`);
    const events = stampEvents(domainEvents, drafts, this.source, {
      correlationId: `seed-${command.type}`,
      userId: this.key.userId,
    }) as ThreadEvent[];
    const result = await this.store.append(this.stream, events, { expectedRevision: this.#revision });
    this.#revision = result.nextRevision;
    for (const event of events) this.state = evolveThread(this.state, event, this.stream);
  }

  receive(messageId: number, text: string): Promise<void> {
    return this.run({
      type: "ReceiveMessage",
      message: {
        chatId: this.key.chatId,
        topicId: this.key.topicId,
        userId: this.key.userId,
        chatType: "supergroup",
        messageId,
        updateId: messageId + 5000,
        text,
        sentAt: this.source.clock.now().toISOString(),
        replyToMessageId: null,
        from: { username: "ada", firstName: "Ada", languageCode: "en" },
      },
    });
  }

  async start(generationId: string): Promise<void> {
    await this.run({
      type: "StartGeneration",
      generationId,
      modelId: "claude-opus",
      priceTableVersion: "2024-09",
      delivery: "edit",
    });
  }

  chunk(generationId: string, text: string): Promise<void> {
    return this.run({ type: "RecordChunk", generationId, text, thinking: "" });
  }
}

const GEN_BREAD = "11111111-1111-4111-8111-111111111111";
const GEN_RYE = "22222222-2222-4222-8222-222222222222";
const GEN_THANKS = "33333333-3333-4333-8333-333333333333";
const LONG_ANSWER = `${"Knead the dough well. ".repeat(10)}Then bake it.`;

/**
 * A realistic thread: a completed, charged and delivered answer; an edited
 * question whose answer was interrupted by a restart (estimated charge); and a
 * third answer still streaming when the log ends (as after a crash).
 */
async function seedThread(
  store: EventStore<DomainEvent>,
  key: ThreadKey,
  firstId = 1,
): Promise<SeededThread> {
  const source = { clock: fixedClock("2024-09-01T10:00:00.000Z"), ids: sequentialIds(firstId) };
  const thread = new SeededThread(store, key, source);
  await thread.receive(101, "How do I bake bread?"); // 0
  await thread.run({ type: "SelectModel", modelId: "claude-opus" }); // 1
  await thread.start(GEN_BREAD); // 2
  await thread.chunk(GEN_BREAD, "Mix flour, "); // 3
  await thread.chunk(GEN_BREAD, "water and salt. "); // 4
  await thread.chunk(GEN_BREAD, LONG_ANSWER); // 5
  await thread.run({
    type: "CompleteGeneration",
    generationId: GEN_BREAD,
    stopReason: "end_turn",
    model: "claude-opus-20240901",
    usage: tokenQuantities({ inputTokens: 1200, outputTokens: 345, cacheReadTokens: 800 }),
    charges: [charge(1_500_000, 1_234_500, false, tokenQuantities({ inputTokens: 1200, outputTokens: 345 }))],
  }); // 6 completed, 7 charged
  await thread.run({
    type: "RecordDelivery",
    generationId: GEN_BREAD,
    telegramMessageIds: [901, 902],
    interrupted: false,
  }); // 8
  await thread.receive(103, "And rye?"); // 9
  await thread.run({
    type: "EditMessage",
    messageId: 103,
    updateId: 6103,
    text: "And rye bread, please?",
    editedAt: source.clock.now().toISOString(),
  }); // 10
  await thread.start(GEN_RYE); // 11
  await thread.chunk(GEN_RYE, "Rye needs "); // 12
  await thread.chunk(GEN_RYE, "a sourdough starter"); // 13
  await thread.run({
    type: "InterruptGeneration",
    generationId: GEN_RYE,
    reason: "process_restart",
    errorKind: null,
    detail: null,
    charges: [charge(50_000, 50_000, true, tokenQuantities({ inputTokens: 300, outputTokens: 12 }))],
  }); // 14 interrupted, 15 charged
  await thread.run({
    type: "RecordDelivery",
    generationId: GEN_RYE,
    telegramMessageIds: [903],
    interrupted: true,
  }); // 16
  await thread.receive(104, "Thanks!"); // 17
  await thread.start(GEN_THANKS); // 18
  await thread.chunk(GEN_THANKS, "You're welcome"); // 19
  return thread;
}

interface JsonReplay {
  stream: string;
  at: string | null;
  lastRevision: string;
  events: {
    stream: string;
    revision: string;
    position: { commit: string; prepare: string };
    type: string;
    data: Record<string, unknown>;
    metadata: { eventId: string; occurredAt: string };
  }[];
  state: {
    messageCount: number;
    generationCount: number;
    userCost: number;
    modelOverride: string | null;
    chargedCalls: string[];
    generation: { generationId: string; text: string } | null;
    undelivered: unknown[];
    turns: { kind: string; text: string; edited?: boolean; interrupted?: boolean }[];
  };
}

const KEY: ThreadKey = { chatId: -1001234567890, topicId: null, userId: 42 };
const STREAM = threadStream(KEY);

describe("given an embedded store holding a thread", () => {
  let dataDir: string;
  let env: Record<string, string>;
  let seeded: SeededThread;
  const corruptKey: ThreadKey = { chatId: 77, topicId: 5, userId: 77 };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "replay-cli-"));
    env = { DATA_DIR: dataDir };
    await withStore(env, async (infrastructure) => {
      seeded = await seedThread(infrastructure.store, KEY);
      // A second thread whose event at revision 1 no longer decodes.
      await seedThread(infrastructure.store, corruptKey, 1000);
      await infrastructure.readModels.query(
        `UPDATE es.events SET data = '{"modelId": 42}'::jsonb WHERE stream = $1 AND revision = 1`,
        [threadStream(corruptKey)],
      );
    });
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("when the thread is replayed, then the timeline shows each event, chunk runs as one line, charges and the interruption", async () => {
    const result = await runScript("replay-thread", [STREAM], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(`${STREAM}: chat -1001234567890, no topic, user 42; revisions 0-19 (20 events)`);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {4}0 {2}2024-09-01T10:00:01\.000Z {2}MessageReceived +msg 101 from Ada \(@ada\) \(update 5101\): "How do I bake bread\?"$/,
      ),
    );
    // Three chunks, one line: their count and the joined text, truncated to 80 characters.
    const joined = `Mix flour, water and salt. ${LONG_ANSWER}`;
    expect(lines).toContainEqual(
      `  3-5  2024-09-01T10:00:04.000Z  ChunkStreamed          gen ${GEN_BREAD} 3 chunks: ${JSON.stringify(joined.slice(0, 80))}… (${joined.length} chars)`,
    );
    expect(lines.filter((line) => line.includes("ChunkStreamed"))).toHaveLength(3);
    expect(lines).toContainEqual(
      expect.stringContaining(
        `UsageCharged           gen ${GEN_BREAD} call 0 model claude-opus price table 2024-09: amount $0.001500000, user pays $0.001234500; tokens in 1200, out 345`,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringContaining(
        `gen ${GEN_RYE} call 0 model claude-opus price table 2024-09: amount $0.000050000, user pays $0.000050000 [ESTIMATED]`,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^ {3}14 .* GenerationInterrupted  gen ${GEN_RYE} INTERRUPTED \\(process_restart\\)$`),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringContaining(
        `GenerationCompleted    gen ${GEN_BREAD} stop end_turn model claude-opus-20240901; usage in 1200, out 345, cache read 800`,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringContaining(`AnswerDelivered        gen ${GEN_BREAD} as Telegram messages [901, 902]`),
    );
    expect(lines).toContainEqual(
      expect.stringContaining(
        `AnswerDelivered        gen ${GEN_RYE} as Telegram messages [903] (interrupted)`,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringContaining(`msg 103 edited (update 6103): "And rye bread, please?"`),
    );
    expect(lines).toContainEqual(
      expect.stringContaining("ModelSelected          override none -> claude-opus"),
    );
    expect(lines).toContainEqual(
      expect.stringContaining(
        `GenerationStarted      gen ${GEN_BREAD} model claude-opus price table 2024-09 batch [101] delivery edit`,
      ),
    );

    // Then the state foldThread reconstructs: the third answer is still open.
    const state = result.stdout.slice(result.stdout.indexOf("state after revision"));
    expect(state).toBe(
      [
        "state after revision 19 (end of stream):",
        "  chat type: supergroup; model override: claude-opus",
        "  messages received: 3; generations: 3; user cost: $0.001284500 (1284500 nano-USD)",
        `  open generation: ${GEN_THANKS} model claude-opus, 1 chunk since 2024-09-01T10:00:17.000Z: "You're welcome"`,
        "  pending messages (not yet answered): none",
        "  undelivered answers: none",
        "  context: 5 turns",
        `    user msg 101 Ada (@ada): "How do I bake bread?"`,
        `    assistant gen ${GEN_BREAD}: ${JSON.stringify(joined.slice(0, 80))}… (${joined.length} chars)`,
        `    user msg 103 Ada (@ada) [edited]: "And rye bread, please?"`,
        `    assistant gen ${GEN_RYE} [interrupted]: "Rye needs a sourdough starter"`,
        `    user msg 104 Ada (@ada): "Thanks!"`,
        "",
      ].join("\n"),
    );
    expect(seeded.state.userCost).toBe(1_284_500);
  });

  it("when --full is given, then texts are not truncated", async () => {
    const result = await runScript("replay-thread", [STREAM, "--full"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `3 chunks: ${JSON.stringify(`Mix flour, water and salt. ${LONG_ANSWER}`)}\n`,
    );
    expect(result.stdout).not.toContain("chars)");
  });

  it("when --at names a revision, then the timeline and the state stop there", async () => {
    const result = await runScript("replay-thread", ["-1001234567890/0/42", "--at", "9"], env);
    expect(result.code).toBe(0);
    const timeline = result.stdout.slice(0, result.stdout.indexOf("state after"));
    expect(timeline).toMatch(/ {2}9 {2}\S+ {2}MessageReceived +msg 103 /);
    expect(timeline).not.toContain("MessageEdited");
    expect(result.stdout).toContain("state after revision 9 (--at 9; 10 later events not applied):");
    expect(result.stdout).toContain("  messages received: 2; generations: 1; user cost: $0.001234500");
    expect(result.stdout).toContain("  open generation: none");
    expect(result.stdout).toContain("  pending messages (not yet answered): 103");
    expect(result.stdout).toContain(`    user msg 103 Ada (@ada): "And rye?"`);
  });

  it("when --json is given, then one JSON document holds the events (bigints as strings) and the state", async () => {
    const result = await runScript(
      "replay-thread",
      ["chat=-1001234567890", "topic=0", "user=42", "--json", "--at=16"],
      env,
    );
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as JsonReplay;
    expect(document.stream).toBe(STREAM);
    expect(document.at).toBe("16");
    expect(document.lastRevision).toBe("19");
    expect(document.events.map((event) => event.revision)).toEqual(
      Array.from({ length: 17 }, (_, index) => String(index)),
    );
    expect(document.events[7]).toMatchObject({
      stream: STREAM,
      type: "UsageCharged",
      data: { generationId: GEN_BREAD, amount: 1_500_000, userAmount: 1_234_500, estimated: false },
      metadata: { occurredAt: "2024-09-01T10:00:07.000Z" },
    });
    // The positions are the store's own, as its adapter reads them.
    const stored = await withStore(env, async (infrastructure) => {
      const read: { revision: string; position: { commit: string; prepare: string } }[] = [];
      for await (const event of infrastructure.store.readStream(STREAM, { maxCount: 17 })) {
        read.push({
          revision: event.revision.toString(),
          position: { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() },
        });
      }
      return read;
    });
    expect(document.events.map(({ revision, position }) => ({ revision, position }))).toEqual(stored);
    expect(document.state).toMatchObject({
      messageCount: 2,
      generationCount: 2,
      userCost: 1_284_500,
      modelOverride: "claude-opus",
      chargedCalls: [`${GEN_BREAD}#0`, `${GEN_RYE}#0`],
      generation: null,
      undelivered: [],
    });
    expect(
      document.state.turns.map((turn) => [turn.kind, turn.text, turn.edited ?? turn.interrupted]),
    ).toEqual([
      ["user", "How do I bake bread?", false],
      ["assistant", `Mix flour, water and salt. ${LONG_ANSWER}`, false],
      ["user", "And rye bread, please?", true],
      ["assistant", "Rye needs a sourdough starter", true],
    ]);
  });

  it.each([
    [["thread-abc"], "not a thread stream name"],
    [["1/2"], '"1/2" is not a thread'],
    [["thread-1-0-0"], "user id must be positive"],
    [["chat=1", "user=x"], 'user id "x" is not an integer'],
    [[STREAM, "--at", "last"], "--at needs a revision"],
    [[STREAM, "--verbose"], "unknown option --verbose"],
    [[], "which thread?"],
  ])("when the arguments are %j, then it exits 2 saying why", async (args, problem) => {
    const result = await runScript("replay-thread", args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(problem);
    expect(result.stderr).toContain("usage: pnpm replay-thread <thread>");
    expect(result.stdout).toBe("");
  });

  it("when the thread has no events, then it exits 1 naming the stream", async () => {
    const result = await runScript("replay-thread", ["thread-5-0-5"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("replay-thread: no events in thread-5-0-5\n");
  });

  it("when an event no longer decodes, then it exits 1 naming the stream and the revision", async () => {
    const result = await runScript("replay-thread", [threadStream(corruptKey)], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `corrupt event in ${threadStream(corruptKey)} at revision 1 (ModelSelected)`,
    );
    expect(result.stdout).toBe("");
  });

  it("when a live process holds the data directory, then it opens nothing and says to stop that process", async () => {
    const lock = join(dataDir, LOCK_FILE);
    // This test process is alive: the lock looks held, as by a running bot.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, since: "2024-09-01T09:00:00.000Z", role: "bot" }));
    try {
      const result = await runScript("replay-thread", [STREAM], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${dataDir} is in use by process ${process.pid} (bot)`);
      expect(result.stderr).toContain("can only be opened by one process at a time");
      expect(result.stderr).toContain("Stop that process");
      expect(result.stdout).toBe("");
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it("when DATA_DIR holds no store, then it exits 1 and creates nothing", async () => {
    const empty = join(dataDir, "never-used");
    const result = await runScript("replay-thread", [STREAM], { DATA_DIR: empty });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no events in ${STREAM} (no embedded store in ${empty})`);
    expect(existsSync(empty)).toBe(false);
  });

  it("when it has run, then the store is unchanged and the data directory is free again", async () => {
    const head = () => withStore(env, (infrastructure) => infrastructure.store.headPosition());
    const before = (await head()) as Position;
    for (const args of [[STREAM], [STREAM, "--json"], ["thread-5-0-5"]])
      await runScript("replay-thread", args, env);
    const after = (await head()) as Position;
    expect(comparePositions(after, before)).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});

describe.runIf(databaseUrl)("given a thread in server Postgres", () => {
  const schema = `replay_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { DATABASE_URL: databaseUrl as string, EVENTSTORE_SCHEMA: schema };
    await withStore(env, (infrastructure) => seedThread(infrastructure.store, KEY));
  });

  afterAll(async () => {
    await withStore(env, (infrastructure) => infrastructure.readModels.exec(`DROP SCHEMA ${schema} CASCADE`));
  });

  it("when it is replayed through DATABASE_URL and EVENTSTORE_SCHEMA, then it prints the same timeline and state", async () => {
    const result = await runScript("replay-thread", [STREAM], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `${STREAM}: chat -1001234567890, no topic, user 42; revisions 0-19 (20 events)`,
    );
    expect(result.stdout).toContain(`ChunkStreamed          gen ${GEN_BREAD} 3 chunks:`);
    expect(result.stdout).toContain(`GenerationInterrupted  gen ${GEN_RYE} INTERRUPTED (process_restart)`);
    expect(result.stdout).toContain("user cost: $0.001284500 (1284500 nano-USD)");
  });

  it("when the schema holds no event log, then it exits 1 without creating it", async () => {
    const missing = `${schema}_none`;
    const result = await runScript("replay-thread", [STREAM], { ...env, EVENTSTORE_SCHEMA: missing });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`replay-thread: no events in ${STREAM}\n`);
    const exists = await withStore(env, async (infrastructure) => {
      const { rows } = await infrastructure.readModels.query<{ found: boolean }>(
        "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS found",
        [missing],
      );
      return rows[0]?.found;
    });
    expect(exists).toBe(false);
  });
});
