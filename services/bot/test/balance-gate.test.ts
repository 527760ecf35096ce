import { nanoUsd } from "@bot/domain";
import type { Position } from "@bot/eventstore";
import { createMemoryKeyValueStore } from "@bot/kv";
import { createLogger } from "@bot/observability";
import type { SqlExecutor } from "@bot/sql";
import type { Api } from "grammy";
import { describe, expect, it } from "vitest";
import { ReadModelBalanceGate } from "../src/money/balance-gate.ts";
import { BalanceReader } from "../src/money/balance-reader.ts";

const at = (commit: number): Position => ({ commit: BigInt(commit), prepare: 0n });

/** A read model where `balances` holds what the projection has applied so far, and waits are recorded. */
function world(balances: Map<number, bigint>, head: Position) {
  const waits: Position[] = [];
  const readModels: SqlExecutor = {
    async query<R extends object>(_text: string, params?: readonly unknown[]) {
      const balance = balances.get(Number(params?.[0]));
      const rows =
        balance === undefined
          ? []
          : [
              {
                user_id: String(params?.[0]),
                balance_nano: String(balance),
                spent_nano: "0",
                first_name: null,
                username: null,
                language_code: null,
                registered_at: null,
                last_seen_at: null,
              },
            ];
      return { rows: rows as unknown as R[], rowCount: rows.length };
    },
    async exec() {},
  };
  const reader = new BalanceReader({
    readModels,
    store: { headPosition: async () => head },
    waitFor: async (_projection, position) => {
      waits.push(position);
    },
    privileged: new Set([1]),
    logger: createLogger({ level: "silent" }),
  });
  const sent: string[] = [];
  const api = { sendMessage: async (_chat: number, text: string) => sent.push(text) } as unknown as Api;
  return { reader, waits, sent, gate: new ReadModelBalanceGate(reader, createMemoryKeyValueStore(), api) };
}

describe("ReadModelBalanceGate", () => {
  it("given a user registered a moment ago by this process, when the first turn asks, then it does not wait for the projection and a positive balance passes", async () => {
    const { reader, waits, gate } = world(new Map([[7, 100_000_000n]]), at(10));
    reader.noteWrite(7, at(9));
    const standing = await gate.standing(7, null);
    expect(standing.balance).toBe(nanoUsd(100_000_000));
    expect(waits).toEqual([]);
  });

  it("given the projection has not applied a new user yet, when the gate would refuse, then it re-reads at the log's head before deciding", async () => {
    const balances = new Map<number, bigint>();
    const { waits, gate } = world(balances, at(10));
    const pending = gate.standing(8, null);
    // The account appears once the projection reaches the head.
    balances.set(8, 100_000_000n);
    const standing = await pending;
    expect(waits).toEqual([at(10)]);
    expect(standing.balance).toBe(nanoUsd(100_000_000));
  });

  it("given a thread's last charge, when the gate asks, then the balance includes that charge", async () => {
    const { waits, gate } = world(new Map([[9, 5n]]), at(20));
    await gate.standing(9, at(15));
    expect(waits).toEqual([at(15)]);
  });

  it("given a balance at zero, when requests are refused twice within 10 s, then the user is told once", async () => {
    const { gate, sent } = world(new Map([[9, 0n]]), at(20));
    const standing = await gate.standing(9, null);
    const target = { chatId: 9, topicId: null, chatType: "private", replyToMessageId: null } as const;
    await gate.refused(target, standing, "en");
    await gate.refused(target, standing, "en");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain("$0.0000");
  });
});
