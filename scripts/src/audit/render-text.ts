import { describePosition } from "@bot/eventstore";
import { quote } from "../replay/text.ts";
import { tokens } from "../replay/timeline.ts";
import { describeFilter } from "./audit-filter.ts";
import type { AuditPricing } from "./audit-line.ts";
import type { AuditReport, Mismatch } from "./audit-report.ts";
import { percent, usdExact } from "./usd.ts";

type Align = "left" | "right";

/** Rows as aligned columns separated by two spaces (trailing spaces trimmed). */
export function table(rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths = align.map((_, column) => Math.max(0, ...rows.map((row) => (row[column] ?? "").length)));
  return rows.map((row) =>
    row
      .map((cell, column) =>
        align[column] === "right" ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd(),
  );
}

/** An indented table, or one line saying it is empty. */
function section(
  title: string,
  rows: readonly (readonly string[])[],
  align: readonly Align[],
  empty: string,
): string[] {
  return [title, ...(rows.length > 1 ? table(rows, align).map((row) => `  ${row}`) : [`  ${empty}`])];
}

/** What priced a line, in words. */
export function describePricing(pricing: AuditPricing): string {
  switch (pricing.source) {
    case "UsageCharged": {
      const costs = [`cost ${usdExact(pricing.costNano)}`, `user paid ${usdExact(pricing.userAmountNano)}`];
      if (pricing.cacheWriteSubsidised || pricing.subsidyNano !== 0n) {
        costs.push(`cache write subsidy ${usdExact(pricing.subsidyNano)}`);
      }
      if (pricing.estimated) costs.push("ESTIMATED");
      return `model ${pricing.modelId}, price table ${pricing.priceTableVersion}, tokens ${tokens(pricing.quantities)}; ${costs.join(", ")}; gen ${pricing.generationId} call ${pricing.callIndex}`;
    }
    case "PaymentCredited":
      return `${pricing.stars} stars, nominal ${usdExact(pricing.nominalNano)}, k1 ${percent(pricing.k1BasisPoints)} k2 ${percent(pricing.k2BasisPoints)} k3 ${percent(pricing.k3BasisPoints)} -> credited ${usdExact(pricing.creditedNano)}; charge ${pricing.chargeId}${pricing.payloadVerified ? "" : "; payload NOT verified"}`;
    case "UserRegistered":
      return `starter balance ${usdExact(pricing.starterNano)}`;
    case "RefundRequested":
      return `refund ${pricing.refundId} of charge ${pricing.chargeId} (${pricing.stars} stars) requested: ${usdExact(pricing.reservedNano)} reserved`;
    case "PaymentRefunded":
      return `charge ${pricing.chargeId} (${pricing.stars} stars) refunded (${pricing.settledBy}${pricing.refundId ? `, refund ${pricing.refundId}` : ""}): ${usdExact(pricing.debitedNano)} debited`;
    case "RefundFailed":
      return `refund ${pricing.refundId} of charge ${pricing.chargeId} failed: ${quote(pricing.reason, false)}; ${usdExact(pricing.releasedNano)} released`;
    case "BalanceAdjusted":
      return `admin ${pricing.adminId}: ${pricing.reason === null ? "no reason given" : quote(pricing.reason, false)}`;
    case "ToolCharged": {
      const measured = Object.entries(pricing.quantities).map(([unit, quantity]) => {
        const price = pricing.unitPrices[unit];
        return price
          ? `${unit} ${quantity} at ${price.nanoUsd} nano-USD/${price.per}`
          : `${unit} ${quantity}`;
      });
      return `tool ${pricing.toolName}, price table ${pricing.priceTableVersion}, ${measured.join(", ")}; cost ${usdExact(pricing.amountNano)}, user paid ${usdExact(pricing.userAmountNano)}; gen ${pricing.generationId} tool call ${pricing.toolUseId}`;
    }
    default: {
      const unknown: never = pricing;
      throw new Error(`audit-charges cannot describe ${(unknown as { source: string }).source}`);
    }
  }
}

/** One mismatch with exact amounts: `user 42: log sum $… (… nano-USD), read model …, difference …`. */
export function describeMismatch(mismatch: Mismatch): string {
  const readModel =
    mismatch.readModelNano === null
      ? "no account row"
      : `${usdExact(mismatch.readModelNano)} (${mismatch.readModelNano} nano-USD)`;
  const sign = mismatch.differenceNano > 0n ? "+" : "";
  return `user ${mismatch.userId}: log sum ${usdExact(mismatch.logNano)} (${mismatch.logNano} nano-USD), read-model balance ${readModel}, difference (read model - log) ${usdExact(mismatch.differenceNano, { plus: true })} (${sign}${mismatch.differenceNano} nano-USD)`;
}

/** The reconciliation's summary line. */
export function reconciliationHeadline(report: AuditReport): string {
  const { position, usersChecked, mismatches } = report.reconciliation;
  const users = `${usersChecked} user${usersChecked === 1 ? "" : "s"}`;
  const where = `Reconciliation of the whole log with the balances read model at position ${describePosition(position)}`;
  return mismatches.length === 0
    ? `${where}: ${users}, every balance matches.`
    : `${where}: ${users}, ${mismatches.length} MISMATCH${mismatches.length === 1 ? "" : "ES"}:`;
}

/** The report for people: listing, totals, reconciliation. */
export function renderText(report: AuditReport): string {
  const { lines, totals } = report;
  const out: string[] = [
    `Charges and credits in the event log up to position ${describePosition(report.reconciliation.position)}`,
    `Filters: ${describeFilter(report.filter)}`,
    "",
  ];
  if (lines.length === 0) out.push("No lines match the filters.");
  else {
    out.push(
      ...table(
        [
          ["occurred at", "user", "kind", "amount", "event", "priced by"],
          ...lines.map((line) => [
            line.occurredAt,
            String(line.userId),
            line.kind,
            usdExact(line.amountNano, { plus: true }),
            `${line.stream}@${line.revision}`,
            describePricing(line.pricing),
          ]),
        ],
        ["left", "right", "left", "right", "left", "left"],
      ),
    );
  }
  out.push(
    "",
    ...section(
      "Totals by user:",
      [
        ["user", "entries", "credits", "debits", "net"],
        ...totals.byUser.map((user) => [
          String(user.userId),
          String(user.entries),
          usdExact(user.creditsNano),
          usdExact(user.debitsNano),
          usdExact(user.netNano),
        ]),
      ],
      ["right", "right", "right", "right", "right"],
      "no lines",
    ),
    "",
    ...section(
      "Totals by model (charges):",
      [
        ["model", "charges", "estimated", "cost", "subsidy", "users paid"],
        ...totals.byModel.map((model) => [
          model.modelId,
          String(model.charges),
          String(model.estimated),
          usdExact(model.costNano),
          usdExact(model.subsidyNano),
          usdExact(model.userPaidNano),
        ]),
      ],
      ["left", "right", "right", "right", "right", "right"],
      "no charges",
    ),
    "",
    ...section(
      "Totals by kind:",
      [
        ["kind", "entries", "amount"],
        ...totals.byKind.map((kind) => [kind.kind, String(kind.entries), usdExact(kind.amountNano)]),
      ],
      ["left", "right", "right"],
      "no lines",
    ),
    "",
    `Total: ${totals.overall.entries} line${totals.overall.entries === 1 ? "" : "s"}, credits ${usdExact(totals.overall.creditsNano)}, debits ${usdExact(totals.overall.debitsNano)}, net ${usdExact(totals.overall.netNano)}`,
    "",
    reconciliationHeadline(report),
    ...report.reconciliation.mismatches.map((mismatch) => `  MISMATCH ${describeMismatch(mismatch)}`),
    "",
  );
  return out.join("\n");
}
