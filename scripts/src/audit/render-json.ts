import { formatPosition } from "@bot/eventstore";
import type { AuditReport } from "./audit-report.ts";
import { usdDecimal } from "./usd.ts";

/** bigints as decimal strings: JSON numbers cannot hold every 64-bit integer exactly. */
function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * The report as one JSON document: `position`, `filters`, `lines` (each with its
 * `pricing`), `totals` (`byUser`, `byModel`, `byKind`, `overall`) and
 * `reconciliation` (`position`, `usersChecked`, `mismatches`). Amounts are
 * nano-USD as decimal strings (`…Nano`); `amountUsd` repeats a line's amount in
 * dollars. Positions are `<commit>/<prepare>`.
 */
export function renderJson(report: AuditReport): string {
  const { filter, reconciliation } = report;
  return `${JSON.stringify(
    {
      position: formatPosition(reconciliation.position),
      filters: {
        userId: filter.userId,
        thread: filter.thread,
        since: filter.since?.iso ?? null,
        until: filter.until?.iso ?? null,
      },
      lines: report.lines.map((line) => ({
        occurredAt: line.occurredAt,
        userId: line.userId,
        kind: line.kind,
        amountNano: line.amountNano,
        amountUsd: usdDecimal(line.amountNano),
        subject: line.subject,
        stream: line.stream,
        revision: line.revision,
        position: formatPosition(line.position),
        eventId: line.eventId,
        pricing: line.pricing,
      })),
      totals: report.totals,
      reconciliation: {
        position: formatPosition(reconciliation.position),
        usersChecked: reconciliation.usersChecked,
        mismatches: reconciliation.mismatches,
      },
    },
    jsonValue,
    2,
  )}\n`;
}
