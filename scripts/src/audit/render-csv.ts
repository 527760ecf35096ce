import { formatPosition } from "@bot/eventstore";
import type { AuditLine, AuditPricing } from "./audit-line.ts";
import { usdDecimal } from "./usd.ts";

/** The CSV header, in order. Cells that do not apply to a line's source are empty. */
export const CSV_COLUMNS = [
  "occurred_at",
  "user_id",
  "kind",
  "amount_nano",
  "amount_usd",
  "subject",
  "stream",
  "revision",
  "position",
  "event_id",
  "source",
  "model_id",
  "price_table_version",
  "estimated",
  "input_tokens",
  "output_tokens",
  "cache_write_5m_tokens",
  "cache_write_1h_tokens",
  "cache_read_tokens",
  "thinking_tokens",
  "web_search_requests",
  "cost_nano",
  "user_amount_nano",
  "cache_write_subsidised",
  "subsidy_nano",
  "generation_id",
  "call_index",
  "stars",
  "nominal_nano",
  "k1_basis_points",
  "k2_basis_points",
  "k3_basis_points",
  "credited_nano",
  "charge_id",
  "refund_id",
  "settled_by",
  "admin_id",
  "reason",
  "tool_name",
  "tool_use_id",
  "tool_quantities",
] as const;

/** One CSV column. */
export type CsvColumn = (typeof CSV_COLUMNS)[number];

type Cells = Partial<Record<CsvColumn, string | number | bigint | boolean | null>>;

function pricingCells(pricing: AuditPricing): Cells {
  switch (pricing.source) {
    case "UsageCharged":
      return {
        model_id: pricing.modelId,
        price_table_version: pricing.priceTableVersion,
        estimated: pricing.estimated,
        input_tokens: pricing.quantities.inputTokens,
        output_tokens: pricing.quantities.outputTokens,
        cache_write_5m_tokens: pricing.quantities.cacheWrite5mTokens,
        cache_write_1h_tokens: pricing.quantities.cacheWrite1hTokens,
        cache_read_tokens: pricing.quantities.cacheReadTokens,
        thinking_tokens: pricing.quantities.thinkingTokens,
        web_search_requests: pricing.quantities.webSearchRequests,
        cost_nano: pricing.costNano,
        user_amount_nano: pricing.userAmountNano,
        cache_write_subsidised: pricing.cacheWriteSubsidised,
        subsidy_nano: pricing.subsidyNano,
        generation_id: pricing.generationId,
        call_index: pricing.callIndex,
      };
    case "PaymentCredited":
      return {
        stars: pricing.stars,
        nominal_nano: pricing.nominalNano,
        k1_basis_points: pricing.k1BasisPoints,
        k2_basis_points: pricing.k2BasisPoints,
        k3_basis_points: pricing.k3BasisPoints,
        credited_nano: pricing.creditedNano,
        charge_id: pricing.chargeId,
      };
    case "UserRegistered":
      return {};
    case "RefundRequested":
      return { charge_id: pricing.chargeId, refund_id: pricing.refundId, stars: pricing.stars };
    case "PaymentRefunded":
      return {
        charge_id: pricing.chargeId,
        refund_id: pricing.refundId,
        stars: pricing.stars,
        settled_by: pricing.settledBy,
      };
    case "RefundFailed":
      return { charge_id: pricing.chargeId, refund_id: pricing.refundId, reason: pricing.reason };
    case "BalanceAdjusted":
      return { admin_id: pricing.adminId, reason: pricing.reason };
    case "ToolCharged":
      return {
        tool_name: pricing.toolName,
        tool_use_id: pricing.toolUseId,
        price_table_version: pricing.priceTableVersion,
        // unit=quantity@nanoUsd/per, so a spreadsheet keeps what priced each quantity.
        tool_quantities: Object.entries(pricing.quantities)
          .map(([unit, quantity]) => {
            const price = pricing.unitPrices[unit];
            return price ? `${unit}=${quantity}@${price.nanoUsd}/${price.per}` : `${unit}=${quantity}`;
          })
          .join(" "),
        cost_nano: pricing.amountNano,
        user_amount_nano: pricing.userAmountNano,
        generation_id: pricing.generationId,
      };
    default: {
      const unknown: never = pricing;
      throw new Error(`audit-charges cannot write ${(unknown as { source: string }).source} as CSV`);
    }
  }
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break,
 * with quotes doubled. null and undefined are empty.
 */
export function csvField(value: string | number | bigint | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The cells of one line, by column. */
export function csvCells(line: AuditLine): Cells {
  return {
    occurred_at: line.occurredAt,
    user_id: line.userId,
    kind: line.kind,
    amount_nano: line.amountNano,
    amount_usd: usdDecimal(line.amountNano),
    subject: line.subject,
    stream: line.stream,
    revision: line.revision,
    position: formatPosition(line.position),
    event_id: line.eventId,
    source: line.pricing.source,
    ...pricingCells(line.pricing),
  };
}

/** A header and one row per line, CRLF-terminated (RFC 4180). */
export function renderCsv(lines: readonly AuditLine[]): string {
  const rows = [
    CSV_COLUMNS.join(","),
    ...lines.map((line) => {
      const cells = csvCells(line);
      return CSV_COLUMNS.map((column) => csvField(cells[column])).join(",");
    }),
  ];
  return `${rows.join("\r\n")}\r\n`;
}
