import { formatUsd, ledgerEntryOf, type NanoUsd } from "@bot/domain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseInstant } from "../src/audit/audit-args.ts";
import { type AuditFilter, matchesFilter, NO_FILTER } from "../src/audit/audit-filter.ts";
import { type AuditLine, auditLineOf } from "../src/audit/audit-line.ts";
import { AuditCollector, reconcile, summarise } from "../src/audit/audit-report.ts";
import { percent, usdExact } from "../src/audit/usd.ts";
import {
  ANN,
  ANN_THREAD,
  BOB,
  CY,
  EXPECTED_BALANCES,
  GEN_ANN_1,
  recordedAuditLog,
} from "./support/audit-log.ts";

function collect(filter: AuditFilter = NO_FILTER): AuditCollector {
  const collector = new AuditCollector(filter);
  for (const event of recordedAuditLog()) {
    const line = auditLineOf(event);
    if (line) collector.add(line);
  }
  return collector;
}

const at = (text: string) => parseInstant(text) ?? (null as never);

describe("given the seeded money log", () => {
  const events = recordedAuditLog();
  const lines = events.flatMap((event) => auditLineOf(event) ?? []);

  it("when each event becomes an audit line, then who, kind and amount are exactly the domain ledger's", () => {
    for (const event of events) {
      const entry = ledgerEntryOf(event, event.stream);
      const line = auditLineOf(event);
      expect(line === null).toBe(entry === null);
      if (entry && line) {
        expect([line.userId, line.kind, line.amountNano, line.subject]).toEqual([
          entry.userId,
          entry.kind,
          BigInt(entry.amount),
          entry.subject,
        ]);
      }
    }
    // ModelPreferenceSet moves no money; a refund settled with 0 debited is no ledger line either.
    expect(lines).toHaveLength(14);
    expect(events.filter((event) => auditLineOf(event) === null).map((event) => event.type)).toEqual([
      "ModelPreferenceSet",
      "PaymentRefunded",
    ]);
  });

  it("when a charge is audited, then it carries model, price table, quantities, estimate flag and the cache subsidy", () => {
    expect(lines[2]).toEqual({
      userId: ANN,
      kind: "usage",
      amountNano: -1_234_500n,
      subject: "claude-opus",
      stream: ANN_THREAD,
      revision: 0n,
      position: { commit: 3n, prepare: 3n },
      eventId: (events[2] as (typeof events)[number]).metadata.eventId,
      occurredAt: "2024-09-01T11:00:00.000Z",
      pricing: {
        source: "UsageCharged",
        modelId: "claude-opus",
        priceTableVersion: "2024-09",
        estimated: false,
        quantities: {
          inputTokens: 1200,
          outputTokens: 345,
          cacheWrite5mTokens: 1000,
          cacheWrite1hTokens: 0,
          cacheReadTokens: 0,
          thinkingTokens: 0,
          webSearchRequests: 0,
        },
        costNano: 1_500_000n,
        userAmountNano: 1_234_500n,
        cacheWriteSubsidised: true,
        subsidyNano: 265_500n,
        generationId: GEN_ANN_1,
        callIndex: 0,
        thread: { chatId: ANN, topicId: null, userId: ANN },
      },
    } satisfies AuditLine);
  });

  it("when a credit is audited, then it carries stars, nominal value, the k1/k2/k3 margins and the credited amount", () => {
    expect(lines[1]?.pricing).toEqual({
      source: "PaymentCredited",
      chargeId: "ch-ann-1",
      stars: 100,
      nominalNano: 1_300_000_000n,
      k1BasisPoints: 3_500,
      k2BasisPoints: 0,
      k3BasisPoints: 1_000,
      creditedNano: 715_000_000n,
      payloadVerified: true,
    });
    expect(lines[1]?.amountNano).toBe(715_000_000n);
  });

  it("when everything is summed, then the totals per user, model and kind are exactly the known ones", () => {
    const totals = summarise(collect().lines);
    expect(totals.byUser).toEqual([
      { userId: ANN, entries: 5, creditsNano: 815_000_000n, debitsNano: -3_284_500n, netNano: 811_715_500n },
      {
        userId: BOB,
        entries: 5,
        creditsNano: 1_425_000_000n,
        debitsNano: -328_000_000n,
        netNano: 1_097_000_000n,
      },
      { userId: CY, entries: 4, creditsNano: 269_000_000n, debitsNano: -84_500_000n, netNano: 184_500_000n },
    ]);
    expect(totals.byModel).toEqual([
      {
        modelId: "claude-opus",
        charges: 3,
        estimated: 0,
        costNano: 6_500_000n,
        subsidyNano: 265_500n,
        userPaidNano: 6_234_500n,
      },
      {
        modelId: "gpt-5",
        charges: 1,
        estimated: 1,
        costNano: 50_000n,
        subsidyNano: 0n,
        userPaidNano: 50_000n,
      },
    ]);
    expect(totals.byKind).toEqual([
      { kind: "starter", entries: 3, amountNano: 300_000_000n },
      { kind: "payment", entries: 3, amountNano: 1_124_500_000n },
      { kind: "refund_reserved", entries: 2, amountNano: -409_500_000n },
      { kind: "refund_released", entries: 1, amountNano: 84_500_000n },
      { kind: "admin", entries: 1, amountNano: 1_000_000_000n },
      { kind: "usage", entries: 4, amountNano: -6_284_500n },
    ]);
    expect(totals.overall).toEqual({
      entries: 14,
      creditsNano: 2_509_000_000n,
      debitsNano: -415_784_500n,
      netNano: 2_093_215_500n,
    });
  });

  it("when a filter is set, then only the listing narrows: the log sums still cover every line", () => {
    const collector = collect({
      ...NO_FILTER,
      userId: BOB,
      since: at("2024-09-02"),
      until: at("2024-09-03"),
    });
    expect(collector.lines.map((line) => [line.kind, line.amountNano])).toEqual([
      ["admin", 1_000_000_000n],
      ["payment", 325_000_000n],
      ["refund_reserved", -325_000_000n],
    ]);
    expect(new Map([...collector.logBalances].map(([user, balance]) => [user, balance.sumNano]))).toEqual(
      EXPECTED_BALANCES,
    );
    expect(collector.logBalances.get(ANN)?.entries).toBe(5);
  });

  it("when filtering by thread, then only that thread's charges are listed", () => {
    const shown = collect({ ...NO_FILTER, thread: ANN_THREAD }).lines;
    expect(shown.map((line) => [line.stream, line.subject, line.amountNano])).toEqual([
      [ANN_THREAD, "claude-opus", -1_234_500n],
      [ANN_THREAD, "gpt-5", -50_000n],
    ]);
  });
});

describe("given a line and time filters", () => {
  const line = auditLineOf(recordedAuditLog()[0] as never) as AuditLine;

  it("when the line is exactly at --since, then it is shown; exactly at --until, then it is not", () => {
    expect(matchesFilter(line, { ...NO_FILTER, since: at("2024-09-01T10:00:00Z") })).toBe(true);
    expect(matchesFilter(line, { ...NO_FILTER, until: at("2024-09-01T10:00:00Z") })).toBe(false);
    expect(matchesFilter(line, { ...NO_FILTER, until: at("2024-09-01T10:00:00.001Z") })).toBe(true);
  });

  it("when the line's time carries an offset, then it is compared as an instant, not as text", () => {
    const shifted = { ...line, occurredAt: "2024-09-01T12:00:00+02:00" };
    expect(matchesFilter(shifted, { ...NO_FILTER, since: at("2024-09-01T10:00:00Z") })).toBe(true);
    expect(matchesFilter(shifted, { ...NO_FILTER, since: at("2024-09-01T10:00:01Z") })).toBe(false);
  });
});

describe("given log sums and read-model balances", () => {
  const log = new Map([
    [1, { sumNano: 500n, entries: 2 }],
    [2, { sumNano: 700n, entries: 1 }],
    [3, { sumNano: 0n, entries: 2 }],
  ]);

  it("when they agree, then there is no mismatch", () => {
    expect(
      reconcile(
        log,
        new Map([
          [1, 500n],
          [2, 700n],
          [3, 0n],
        ]),
      ),
    ).toEqual({ usersChecked: 3, mismatches: [] });
  });

  it("when a balance differs, a row is missing or a row has no ledger, then each is a mismatch with its exact difference", () => {
    const readModel = new Map([
      [1, 510n],
      [2, 700n],
      [9, -3n],
    ]);
    expect(reconcile(log, readModel)).toEqual({
      usersChecked: 4,
      mismatches: [
        { userId: 1, logNano: 500n, readModelNano: 510n, differenceNano: 10n },
        // Entries that sum to 0 still need an account row.
        { userId: 3, logNano: 0n, readModelNano: null, differenceNano: 0n },
        { userId: 9, logNano: 0n, readModelNano: -3n, differenceNano: -3n },
      ],
    });
  });

  it("when a read-model account has no ledger and a zero balance, then it matches (a profile seen in a message)", () => {
    expect(reconcile(new Map(), new Map([[5, 0n]]))).toEqual({ usersChecked: 1, mismatches: [] });
  });
});

describe("given nano-USD amounts", () => {
  it("when formatted exactly, then they read like formatUsd with 9 decimals", () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (nano) => {
        expect(usdExact(BigInt(nano))).toBe(formatUsd(nano as NanoUsd, { decimals: 9 }));
      }),
    );
  });

  it("when a sum leaves the safe-integer range, then it is still exact", () => {
    expect(usdExact(2n ** 63n - 1n)).toBe("$9223372036.854775807");
    expect(usdExact(-(2n ** 63n))).toBe("-$9223372036.854775808");
    expect(usdExact(5n, { plus: true })).toBe("+$0.000000005");
    expect(usdExact(0n, { plus: true })).toBe("$0.000000000");
  });

  it("when basis points are shown, then they are a percentage with two decimals", () => {
    expect([percent(3_500), percent(5), percent(0), percent(10_000)]).toEqual([
      "35.00%",
      "0.05%",
      "0.00%",
      "100.00%",
    ]);
  });
});
