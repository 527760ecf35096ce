/**
 * The zod schema of a model table data file (e.g. `anthropic-models.json`). The data
 * file is the source of truth for ids, limits, prices and capabilities; this schema
 * only says what a well-formed table looks like.
 */
import { z } from "zod";

const decimalUsd = z.string().regex(/^\d+(\.\d{1,9})?$/, 'a non-negative decimal USD amount such as "0.125"');

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD");

const positiveInt = z.number().int().positive();

/** USD per million tokens, as exact decimal strings. */
export const pricesPerMTokSchema = z.strictObject({
  input: decimalUsd,
  output: decimalUsd,
  cacheWrite5m: decimalUsd,
  cacheWrite1h: decimalUsd,
  cacheRead: decimalUsd,
});

/** One model row. */
export const modelRowSchema = z.strictObject({
  id: z.string().min(1),
  displayName: z.string().min(1),
  contextWindow: positiveInt,
  maxOutputTokens: positiveInt,
  pricesPerMTokUsd: pricesPerMTokSchema,
  /** Prices for every token of a request whose prompt exceeds `aboveTokens`. */
  longPrompt: z
    .strictObject({
      aboveTokens: positiveInt,
      pricesPerMTokUsd: pricesPerMTokSchema,
    })
    .optional(),
  capabilities: z.strictObject({
    thinking: z.enum(["adaptive", "budget", "none"]),
    effort: z.boolean(),
    vision: z.boolean(),
  }),
  default: z.literal(true).optional(),
  pricesTakenOn: isoDate,
  retiresOn: isoDate.optional(),
  notes: z.string().optional(),
});

/** One priced quantity of a tool: `usd` for every `per` units (e.g. "0.006" per 60 audio seconds). */
export const toolUnitPriceSchema = z.strictObject({ usd: decimalUsd, per: positiveInt.default(1) });

/** A paid tool's price list: quantity name → unit price, with where it was read. */
export const toolPriceRowSchema = z.strictObject({
  quantities: z.record(z.string().regex(/^[a-zA-Z0-9_]{1,64}$/), toolUnitPriceSchema),
  pricesTakenOn: isoDate,
  source: z.string().min(1),
});

/** A whole table: one provider, one price table version. */
export const modelTableSchema = z.strictObject({
  priceTableVersion: z.string().regex(/^[a-z]+-\d{4}-\d{2}-\d{2}(-[a-z0-9]+)?$/, "e.g. anthropic-2026-11-26"),
  provider: z.enum(["anthropic", "openai", "google"]),
  source: z.string().min(1),
  models: z.array(modelRowSchema).min(1),
  /**
   * Prices of the paid tools (by tool name, or `tool:model` when the price depends on the
   * provider's model), under the same price table version as the models.
   */
  tools: z.record(z.string().regex(/^[a-z_]{1,64}(:[a-zA-Z0-9._-]{1,64})?$/), toolPriceRowSchema).optional(),
});

/** A parsed (not yet converted) model table. */
export type ModelTable = z.infer<typeof modelTableSchema>;
/** A parsed price block in USD per million tokens. */
export type PricesPerMTok = z.infer<typeof pricesPerMTokSchema>;
