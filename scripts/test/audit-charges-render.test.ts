import { describe, expect, it } from "vitest";
import { parseInstant } from "../src/audit/audit-args.ts";
import { NO_FILTER } from "../src/audit/audit-filter.ts";
import { auditLineOf } from "../src/audit/audit-line.ts";
import { AuditCollector, type AuditReport, reconcile, summarise } from "../src/audit/audit-report.ts";
import { CSV_COLUMNS, csvField, renderCsv } from "../src/audit/render-csv.ts";
import { renderJson } from "../src/audit/render-json.ts";
import { describeMismatch, renderText } from "../src/audit/render-text.ts";
import { BOB, EXPECTED_BALANCES, GEN_ANN_2, REFUND_CY, recordedAuditLog } from "./support/audit-log.ts";
import { parseCsv } from "./support/parse-csv.ts";

const POSITION = { commit: 16n, prepare: 16n };

function report(readModel: ReadonlyMap<number, bigint> = EXPECTED_BALANCES, filter = NO_FILTER): AuditReport {
  const collector = new AuditCollector(filter);
  for (const event of recordedAuditLog()) {
    const line = auditLineOf(event);
    if (line) collector.add(line);
  }
  const { usersChecked, mismatches } = reconcile(collector.logBalances, readModel);
  return {
    filter,
    lines: collector.lines,
    totals: summarise(collector.lines),
    reconciliation: { position: POSITION, usersChecked, mismatches },
  };
}

const corrupted = new Map([...EXPECTED_BALANCES, [BOB, 1_107_000_000n]]);

describe("given an audit report as text", () => {
  it("when it reconciles, then each line shows what priced it, then the totals and a clean reconciliation", () => {
    const text = renderText(report());
    const lines = text.split("\n");
    expect(lines.slice(0, 2)).toEqual([
      "Charges and credits in the event log up to position 16/16",
      "Filters: none",
    ]);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^2024-09-01T10:05:00\.000Z +101 +payment +\+\$0\.715000000 +user-101@1 +100 stars, nominal \$1\.300000000, k1 35\.00% k2 0\.00% k3 10\.00% -> credited \$0\.715000000; charge ch-ann-1$/,
      ),
    );
    expect(text).toContain(
      "model claude-opus, price table 2024-09, tokens in 1200, out 345, cache write 5m 1000; cost $0.001500000, user paid $0.001234500, cache write subsidy $0.000265500; gen",
    );
    expect(text).toContain(
      `model gpt-5, price table 2024-09, tokens in 300, out 12; cost $0.000050000, user paid $0.000050000, ESTIMATED; gen ${GEN_ANN_2} call 0`,
    );
    expect(text).toContain('admin 1: "goodwill, \\"sorry\\""');
    expect(text).toContain("charge ch-cy-1; payload NOT verified");
    expect(text).toContain(
      `refund ${REFUND_CY} of charge ch-cy-1 failed: "CHARGE_NOT_FOUND"; $0.084500000 released`,
    );
    expect(lines).toContain("   102        5  $1.425000000  -$0.328000000  $1.097000000");
    expect(lines).toContain("  claude-opus        3          0  $0.006500000  $0.000265500  $0.006234500");
    expect(lines).toContain("  refund_reserved        2  -$0.409500000");
    expect(lines).toContain("Total: 14 lines, credits $2.509000000, debits -$0.415784500, net $2.093215500");
    expect(lines).toContain(
      "Reconciliation of the whole log with the balances read model at position 16/16: 3 users, every balance matches.",
    );
    expect(text).not.toContain("MISMATCH");
  });

  it("when a balance differs, then the mismatch names the user, both sums and the signed difference exactly", () => {
    const text = renderText(report(corrupted));
    expect(text).toContain("3 users, 1 MISMATCH:\n");
    expect(text).toContain(
      "  MISMATCH user 102: log sum $1.097000000 (1097000000 nano-USD), read-model balance $1.107000000 (1107000000 nano-USD), difference (read model - log) +$0.010000000 (+10000000 nano-USD)\n",
    );
    expect(describeMismatch({ userId: 7, logNano: 5n, readModelNano: null, differenceNano: -5n })).toBe(
      "user 7: log sum $0.000000005 (5 nano-USD), read-model balance no account row, difference (read model - log) -$0.000000005 (-5 nano-USD)",
    );
  });

  it("when no line matches the filters, then the listing and the totals say so", () => {
    const since = parseInstant("2030-01-01");
    const text = renderText(report(EXPECTED_BALANCES, { ...NO_FILTER, since }));
    expect(text).toContain("Filters: since 2030-01-01T00:00:00.000Z\n\nNo lines match the filters.\n");
    expect(text).toContain("Totals by model (charges):\n  no charges\n");
    expect(text).toContain("Total: 0 lines, credits $0.000000000");
  });
});

describe("given an audit report as JSON", () => {
  it("when it is parsed, then lines, totals and mismatches are there with amounts as exact decimal strings", () => {
    const document = JSON.parse(renderJson(report(corrupted))) as {
      position: string;
      filters: Record<string, unknown>;
      lines: {
        kind: string;
        amountNano: string;
        amountUsd: string;
        position: string;
        pricing: { source: string };
      }[];
      totals: { overall: Record<string, unknown>; byModel: { modelId: string; userPaidNano: string }[] };
      reconciliation: { position: string; usersChecked: number; mismatches: Record<string, unknown>[] };
    };
    expect(document.position).toBe("16/16");
    expect(document.filters).toEqual({ userId: null, thread: null, since: null, until: null });
    expect(document.lines).toHaveLength(14);
    expect(document.lines[2]).toMatchObject({
      kind: "usage",
      amountNano: "-1234500",
      amountUsd: "-0.001234500",
      position: "3/3",
      pricing: { source: "UsageCharged", costNano: "1500000", subsidyNano: "265500", estimated: false },
    });
    expect(document.totals.overall).toEqual({
      entries: 14,
      creditsNano: "2509000000",
      debitsNano: "-415784500",
      netNano: "2093215500",
    });
    expect(document.totals.byModel.map((model) => [model.modelId, model.userPaidNano])).toEqual([
      ["claude-opus", "6234500"],
      ["gpt-5", "50000"],
    ]);
    expect(document.reconciliation).toEqual({
      position: "16/16",
      usersChecked: 3,
      mismatches: [
        { userId: BOB, logNano: "1097000000", readModelNano: "1107000000", differenceNano: "10000000" },
      ],
    });
  });
});

describe("given an audit report as CSV", () => {
  it("when it is parsed, then there is a header and one row per line, with quoting round-tripping", () => {
    const rows = parseCsv(renderCsv(report().lines));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(15);
    const records = rows
      .slice(1)
      .map((row) => Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, row[i]])));
    expect(rows.every((row) => row.length === CSV_COLUMNS.length)).toBe(true);
    expect(records[2]).toMatchObject({
      kind: "usage",
      amount_nano: "-1234500",
      amount_usd: "-0.001234500",
      model_id: "claude-opus",
      price_table_version: "2024-09",
      estimated: "false",
      input_tokens: "1200",
      cache_write_5m_tokens: "1000",
      cost_nano: "1500000",
      cache_write_subsidised: "true",
      subsidy_nano: "265500",
      stars: "",
    });
    expect(records[1]).toMatchObject({
      kind: "payment",
      stars: "100",
      nominal_nano: "1300000000",
      k1_basis_points: "3500",
      k2_basis_points: "0",
      k3_basis_points: "1000",
      credited_nano: "715000000",
      model_id: "",
    });
    expect(records.find((record) => record.kind === "admin")).toMatchObject({
      admin_id: "1",
      reason: 'goodwill, "sorry"',
    });
    const sum = records.reduce((total, record) => total + BigInt(record.amount_nano ?? "0"), 0n);
    expect(sum).toBe(2_093_215_500n);
  });

  it("when a field holds a comma, a quote or a line break, then it is quoted with quotes doubled", () => {
    expect([
      csvField("plain"),
      csvField("a,b"),
      csvField('say "hi"'),
      csvField("two\nlines"),
      csvField(null),
    ]).toEqual(["plain", '"a,b"', '"say ""hi"""', '"two\nlines"', ""]);
  });
});
