import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DomainEvent, domainEvents, tokenQuantities } from "@bot/domain";
import { createPostgresClient, LOCK_FILE } from "@bot/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "../src/audit/render-csv.ts";
import {
  ANN,
  ANN_GROUP_THREAD,
  ANN_THREAD,
  appendAuditLog,
  BOB,
  CY,
  projectBalances,
} from "./support/audit-log.ts";
import { parseCsv } from "./support/parse-csv.ts";
import { runScript } from "./support/run-cli.ts";
import { withStore } from "./support/with-store.ts";

const _root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const databaseUrl = process.env.DATABASE_URL || undefined;

const audit = (args: readonly string[], env: Record<string, string>) => runScript("audit-charges", args, env);

/** Runs SQL against the read-model database `env` configures (the CLIs need the data directory free after). */
function readModelSql(env: Record<string, string>, statement: string): Promise<void> {
  return withStore(env, async (infrastructure) => {
    await infrastructure.readModels.query(statement);
  });
}

/** Where a suite's store lives. */
interface Backend {
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function embeddedBackend(): Promise<Backend> {
  const dataDir = mkdtempSync(join(tmpdir(), "audit-cli-"));
  return {
    env: { DATA_DIR: dataDir },
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A throw-away database: the balances read model's live schema is always named `balances`. */
async function serverBackend(url: string): Promise<Backend> {
  const database = `audit_cli_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const admin = createPostgresClient({ connectionString: url, maxConnections: 1 });
  await admin.exec(`CREATE DATABASE ${database}`);
  const target = new URL(url);
  target.pathname = `/${database}`;
  return {
    env: { DATABASE_URL: target.toString() },
    async cleanup() {
      await admin.exec(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.close();
    },
  };
}

const backends = [
  { name: "an embedded store", create: embeddedBackend },
  ...(databaseUrl ? [{ name: "server Postgres", create: () => serverBackend(databaseUrl) }] : []),
];

describe.each(backends)(
  "given $name holding the seeded money log and its balances read model",
  ({ create }) => {
    let backend: Backend;
    let env: Record<string, string>;

    beforeAll(async () => {
      backend = await create();
      env = backend.env;
      await withStore(env, async (infrastructure) => {
        await appendAuditLog(infrastructure.store);
        await projectBalances(infrastructure);
      });
    });

    afterAll(async () => {
      await backend?.cleanup();
    });

    it("when audited without filters, then every charge and credit is listed with what priced it, the totals are exact and it exits 0", async () => {
      const result = await audit([], env);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const lines = result.stdout.split("\n");
      expect(lines[0]).toMatch(/^Charges and credits in the event log up to position \d+\/(end|\d+)$/);
      expect(lines[1]).toBe("Filters: none");
      const listed = lines.filter((line) => /^2024-09-0\dT/.test(line));
      expect(listed).toHaveLength(14);
      expect(listed[1]).toMatch(
        /^2024-09-01T10:05:00\.000Z +101 +payment +\+\$0\.715000000 +user-101@1 +100 stars, nominal \$1\.300000000, k1 35\.00% k2 0\.00% k3 10\.00% -> credited \$0\.715000000; charge ch-ann-1$/,
      );
      expect(listed[2]).toMatch(/ 101 +usage +-\$0\.001234500 +thread-101-0-101@0 +model claude-opus, /);
      expect(listed[2]).toContain(
        "model claude-opus, price table 2024-09, tokens in 1200, out 345, cache write 5m 1000; cost $0.001500000, user paid $0.001234500, cache write subsidy $0.000265500;",
      );
      expect(listed[5]).toContain("user paid $0.000050000, ESTIMATED;");
      expect(result.stdout).toContain(
        [
          "Totals by user:",
          "  user  entries       credits         debits           net",
          "   101        5  $0.815000000  -$0.003284500  $0.811715500",
          "   102        5  $1.425000000  -$0.328000000  $1.097000000",
          "   103        4  $0.269000000  -$0.084500000  $0.184500000",
          "",
          "Totals by model (charges):",
          "  model        charges  estimated          cost       subsidy    users paid",
          "  claude-opus        3          0  $0.006500000  $0.000265500  $0.006234500",
          "  gpt-5              1          1  $0.000050000  $0.000000000  $0.000050000",
          "",
          "Totals by kind:",
          "  kind             entries         amount",
          "  starter                3   $0.300000000",
          "  payment                3   $1.124500000",
          "  refund_reserved        2  -$0.409500000",
          "  refund_released        1   $0.084500000",
          "  admin                  1   $1.000000000",
          "  usage                  4  -$0.006284500",
          "",
          "Total: 14 lines, credits $2.509000000, debits -$0.415784500, net $2.093215500",
          "",
        ].join("\n"),
      );
      expect(result.stdout).toMatch(
        /\nReconciliation of the whole log with the balances read model at position \S+: 3 users, every balance matches\.\n$/,
      );
    });

    it("when filtered by user and time, then the listing and totals narrow while the reconciliation still covers every user", async () => {
      const result = await audit(["--user", String(BOB), "--since", "2024-09-02", "--until=2024-09-03"], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        "Filters: user 102; since 2024-09-02T00:00:00.000Z; until 2024-09-03T00:00:00.000Z (exclusive)",
      );
      const listed = result.stdout.split("\n").filter((line) => /^2024-09-0\dT/.test(line));
      expect(listed.map((line) => line.split(/ +/).slice(0, 4))).toEqual([
        ["2024-09-02T10:00:00.000Z", "102", "admin", "+$1.000000000"],
        ["2024-09-02T11:00:00.000Z", "102", "payment", "+$0.325000000"],
        ["2024-09-02T12:00:00.000Z", "102", "refund_reserved", "-$0.325000000"],
      ]);
      expect(result.stdout).toContain("Totals by model (charges):\n  no charges\n");
      expect(result.stdout).toContain(
        "Total: 3 lines, credits $1.325000000, debits -$0.325000000, net $1.000000000",
      );
      expect(result.stdout).toContain(": 3 users, every balance matches.");
    });

    it("when filtered by thread, then only that thread's charges are listed and totalled", async () => {
      const result = await audit(["--thread", `${ANN}/0/${ANN}`], env);
      expect(result.code).toBe(0);
      const listed = result.stdout.split("\n").filter((line) => /^2024-09-0\dT/.test(line));
      expect(listed).toHaveLength(2);
      expect(listed.every((line) => line.includes(`${ANN_THREAD}@`))).toBe(true);
      expect(result.stdout).not.toContain(ANN_GROUP_THREAD);
      expect(result.stdout).toContain(
        "Total: 2 lines, credits $0.000000000, debits -$0.001284500, net -$0.001284500",
      );
    });

    it("when --json is given, then stdout is one JSON document with the lines, exact totals and no mismatch", async () => {
      const result = await audit(["--json", "--user", String(ANN)], env);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("");
      const document = JSON.parse(result.stdout) as {
        filters: { userId: number };
        lines: { kind: string; amountNano: string; pricing: Record<string, unknown> }[];
        totals: { byUser: unknown[]; overall: Record<string, unknown> };
        reconciliation: { usersChecked: number; mismatches: unknown[] };
      };
      expect(document.filters.userId).toBe(ANN);
      expect(document.lines.map((line) => [line.kind, line.amountNano])).toEqual([
        ["starter", "100000000"],
        ["payment", "715000000"],
        ["usage", "-1234500"],
        ["usage", "-50000"],
        ["usage", "-2000000"],
      ]);
      expect(document.lines[4]?.pricing).toMatchObject({
        source: "UsageCharged",
        modelId: "claude-opus",
        priceTableVersion: "2024-09b",
        callIndex: 1,
        thread: { chatId: -100200, topicId: null, userId: ANN },
      });
      expect(document.totals.byUser).toEqual([
        { userId: ANN, entries: 5, creditsNano: "815000000", debitsNano: "-3284500", netNano: "811715500" },
      ]);
      expect(document.reconciliation).toMatchObject({ usersChecked: 3, mismatches: [] });
    });

    it("when --csv is given, then stdout parses as CSV, one row per line, and the reconciliation goes to stderr", async () => {
      const result = await audit(["--csv"], env);
      expect(result.code).toBe(0);
      const rows = parseCsv(result.stdout);
      expect(rows[0]).toEqual([...CSV_COLUMNS]);
      expect(rows).toHaveLength(15);
      const amount = CSV_COLUMNS.indexOf("amount_nano");
      const reason = CSV_COLUMNS.indexOf("reason");
      expect(rows.slice(1).reduce((sum, row) => sum + BigInt(row[amount] ?? "x"), 0n)).toBe(2_093_215_500n);
      expect(rows.map((row) => row[reason])).toContain('goodwill, "sorry"');
      expect(result.stderr).toMatch(/^audit-charges: Reconciliation .*: 3 users, every balance matches\.\n$/);
    });

    it("when a balance row of the live read model is corrupted, then the audit names the user, both sums and the difference, and exits 1", async () => {
      await readModelSql(
        env,
        `UPDATE balances.accounts SET balance_nano = balance_nano + 10000000 WHERE user_id = ${BOB}`,
      );
      try {
        const text = await audit(["--user", String(ANN)], env);
        expect(text.code).toBe(1);
        // The filter shows Ann's lines; the reconciliation covers Bob all the same.
        expect(text.stdout).toContain(": 3 users, 1 MISMATCH:\n");
        expect(text.stdout).toContain(
          "  MISMATCH user 102: log sum $1.097000000 (1097000000 nano-USD), read-model balance $1.107000000 (1107000000 nano-USD), difference (read model - log) +$0.010000000 (+10000000 nano-USD)\n",
        );
        expect(text.stderr).toBe("audit-charges: 1 balance mismatch; see the reconciliation above\n");

        const json = await audit(["--json"], env);
        expect(json.code).toBe(1);
        expect((JSON.parse(json.stdout) as { reconciliation: unknown }).reconciliation).toMatchObject({
          usersChecked: 3,
          mismatches: [
            { userId: BOB, logNano: "1097000000", readModelNano: "1107000000", differenceNano: "10000000" },
          ],
        });
        expect(json.stderr).toContain("audit-charges:   MISMATCH user 102: log sum $1.097000000");

        const csv = await audit(["--csv"], env);
        expect(csv.code).toBe(1);
        expect(csv.stderr).toContain("difference (read model - log) +$0.010000000 (+10000000 nano-USD)");
      } finally {
        await readModelSql(
          env,
          `UPDATE balances.accounts SET balance_nano = balance_nano - 10000000 WHERE user_id = ${BOB}`,
        );
      }
    });

    it("when a corrupted read model is rebuilt with `rebuild-projection balances`, then the audit reconciles with zero mismatches", {
      timeout: 90_000,
    }, async () => {
      await readModelSql(env, `UPDATE balances.accounts SET balance_nano = 1 WHERE user_id = ${CY}`);
      const before = await audit([], env);
      expect(before.code).toBe(1);
      expect(before.stdout).toContain(
        "MISMATCH user 103: log sum $0.184500000 (184500000 nano-USD), read-model balance $0.000000001 (1 nano-USD), difference (read model - log) -$0.184499999 (-184499999 nano-USD)",
      );

      const rebuild = await runScript("rebuild-projection", ["balances"], env);
      expect(rebuild.stderr).not.toContain("failed");
      expect(rebuild.stdout).toContain("balances: rebuilt and swapped in");
      expect(rebuild.code).toBe(0);

      const after = await audit([], env);
      expect(after.stderr).toBe("");
      expect(after.code).toBe(0);
      expect(after.stdout).toContain(": 3 users, every balance matches.");
      expect(after.stdout).not.toContain("MISMATCH");
    });
  },
);

describe("given an embedded data directory", () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "audit-cli-edge-"));
    env = { DATA_DIR: dataDir };
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [["--since", "yesterdayish"], '--since "yesterdayish" is not a date or a time'],
    [["--until", "2024-02-30"], '--until "2024-02-30" is not a date or a time'],
    [["--user", "ann"], '--user needs a Telegram user id (a positive integer), got "ann"'],
    [["--thread", "thread-abc"], '--thread "thread-abc": "thread-abc" is not a thread stream name'],
    [["--json", "--csv"], "choose one of --json and --csv"],
    [
      ["--since", "2024-09-02", "--until", "2024-09-01"],
      "--since (2024-09-02T00:00:00.000Z) must be before --until (2024-09-01T00:00:00.000Z)",
    ],
    [["--verbose"], "unknown option --verbose"],
  ])(
    "when the arguments are %j, then it exits 2 naming the problem, before opening anything",
    async (args, problem) => {
      const result = await audit(args, env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`audit-charges: ${problem}`);
      expect(result.stderr).toContain("usage: pnpm audit-charges");
      expect(result.stdout).toBe("");
    },
  );

  it("when --help is given, then it prints the usage and exits 0", async () => {
    const result = await audit(["--help"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("usage: pnpm audit-charges [--user <id>]");
    expect(result.stdout).toContain("Exit codes: 0 reconciled, 1 mismatches found");
  });

  it("when DATA_DIR holds no store, then it exits 3 and creates nothing", async () => {
    const empty = join(dataDir, "never-used");
    const result = await audit([], { DATA_DIR: empty });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`audit-charges: nothing to audit: no embedded database in ${empty}\n`);
    expect(existsSync(empty)).toBe(false);
  });

  it("when a live process holds the data directory, then it opens nothing and says to stop it", async () => {
    const lock = join(dataDir, LOCK_FILE);
    // This test process is alive: the lock looks held, as by a running bot.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, since: "2024-09-01T09:00:00.000Z", role: "bot" }));
    try {
      const result = await audit([], env);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`${dataDir} is in use by process ${process.pid} (bot)`);
      expect(result.stderr).toContain("Stop that process (the bot or the projector)");
      expect(result.stdout).toBe("");
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it("when the log has no balances read model, then it exits 3 saying so; when the read model lags the log, then it exits 3 saying it is behind", {
    timeout: 60_000,
  }, async () => {
    await withStore(env, (infrastructure) => appendAuditLog(infrastructure.store));
    const missing = await audit([], env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("has no balances read model to reconcile with");

    await withStore(env, async (infrastructure) => {
      await projectBalances(infrastructure);
      // One more charge the read model has not applied: no projector runs.
      const event = domainEvents.create(
        "UsageCharged",
        {
          generationId: "00000000-0000-4000-8000-00000000fa11",
          callIndex: 0,
          userId: ANN,
          modelId: "claude-opus",
          priceTableVersion: "2024-09",
          estimated: false,
          quantities: tokenQuantities({ inputTokens: 1, outputTokens: 1 }),
          amount: 1_000,
          userAmount: 1_000,
          cacheWriteSubsidised: false,
        },
        { clock: { now: () => new Date("2024-09-05T00:00:00.000Z") }, ids: { uuid: () => randomUUID() } },
        { correlationId: "late" },
      ) as DomainEvent;
      await infrastructure.store.append(ANN_THREAD, [event], { expectedRevision: 1n });
    });
    const behind = await audit(["--wait", "0"], env);
    expect(behind.code).toBe(3);
    expect(behind.stderr).toMatch(
      /^audit-charges: the balances read model is behind the log: its checkpoint is at \S+ \(status live\), the log's last charge or credit at \d+\/\d+; waited 0 s\. Comparing now would report false mismatches\./,
    );
    expect(behind.stdout).toBe("");
  });
});
