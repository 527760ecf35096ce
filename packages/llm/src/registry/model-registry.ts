/**
 * The model registry: the data tables in this folder, validated at startup and converted
 * to integer nano-USD per token. A malformed table or an unrepresentable price throws
 * when this module is first imported, so a bad deploy fails before serving anyone.
 */
import { type NanoUsd, parseUsd, type ToolPrices, type UnitPrice } from "@bot/domain";
import type { ProviderName } from "../provider.ts";
import anthropicModels from "./anthropic-models.json" with { type: "json" };
import { type ModelTable, modelTableSchema, type PricesPerMTok } from "./model-table-schema.ts";
import { perTokenNanoUsd } from "./per-token-price.ts";

/** Integer nano-USD per token. */
export interface ModelPrices {
  readonly input: NanoUsd;
  readonly output: NanoUsd;
  readonly cacheWrite5m: NanoUsd;
  readonly cacheWrite1h: NanoUsd;
  readonly cacheRead: NanoUsd;
}

/** How a model reasons: adaptive (model decides), a token budget, or not at all. */
export type ThinkingCapability = "adaptive" | "budget" | "none";

/** One model, ready to use. */
export interface ModelInfo {
  readonly id: string;
  readonly displayName: string;
  readonly provider: ProviderName;
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  readonly prices: ModelPrices;
  /** Prices for every token of a request whose prompt exceeds `aboveTokens` (Haiku 5.5). */
  readonly longPrompt?: { readonly aboveTokens: number; readonly prices: ModelPrices };
  readonly capabilities: {
    readonly thinking: ThinkingCapability;
    readonly effort: boolean;
    readonly vision: boolean;
  };
  readonly isDefault: boolean;
  /** The version of the price table these prices came from; charge events record it. */
  readonly priceTableVersion: string;
  /** When the prices were read from the provider (YYYY-MM-DD). */
  readonly pricesTakenOn: string;
  readonly retiresOn?: string;
}

/** Thrown when a model table is malformed or inconsistent. */
export class ModelRegistryError extends Error {
  override readonly name = "ModelRegistryError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Thrown by {@link ModelRegistry.getModel} for an id not in the registry. */
export class UnknownModelError extends Error {
  override readonly name = "UnknownModelError";
  constructor(readonly modelId: string) {
    super(`unknown model "${modelId}"`);
  }
}

/** A paid tool's prices, converted to nano-USD, and the price table they come from. */
export interface ToolPriceList {
  readonly priceTableVersion: string;
  readonly prices: ToolPrices;
  readonly pricesTakenOn: string;
}

/** Validated, converted models (and tool prices); look-ups by id. */
export class ModelRegistry {
  readonly #byId: ReadonlyMap<string, ModelInfo>;
  readonly #default: ModelInfo;
  readonly #tools: ReadonlyMap<string, ToolPriceList>;

  constructor(models: readonly ModelInfo[], tools: ReadonlyMap<string, ToolPriceList> = new Map()) {
    this.#tools = tools;
    const byId = new Map<string, ModelInfo>();
    for (const model of models) {
      if (byId.has(model.id)) throw new ModelRegistryError(`model "${model.id}" is listed twice`);
      byId.set(model.id, model);
    }
    const defaults = models.filter((model) => model.isDefault);
    const [only] = defaults;
    if (defaults.length !== 1 || only === undefined) {
      throw new ModelRegistryError(`exactly one model must be the default, found ${defaults.length}`);
    }
    this.#byId = byId;
    this.#default = only;
  }

  /** The model with this id; throws {@link UnknownModelError} otherwise. */
  getModel(id: string): ModelInfo {
    const model = this.#byId.get(id);
    if (model === undefined) throw new UnknownModelError(id);
    return model;
  }

  /**
   * The prices of a paid tool (`name`, or `name:model` when the price depends on the
   * provider's model); undefined when the tables have none — a paid tool without prices
   * must not run.
   */
  toolPrices(name: string): ToolPriceList | undefined {
    return this.#tools.get(name);
  }

  /** The model with this id, or undefined (e.g. for a stale user preference). */
  findModel(id: string): ModelInfo | undefined {
    return this.#byId.get(id);
  }

  /** Every model, in table order. */
  listModels(): readonly ModelInfo[] {
    return [...this.#byId.values()];
  }

  /** The model new users get. */
  defaultModel(): ModelInfo {
    return this.#default;
  }
}

/**
 * Validates model tables (the parsed JSON data files) and builds a registry. Throws
 * {@link ModelRegistryError} (zod issues as its cause) or `PriceNotRepresentableError`.
 */
export function loadModelRegistry(tables: readonly unknown[]): ModelRegistry {
  const models: ModelInfo[] = [];
  const tools = new Map<string, ToolPriceList>();
  for (const [index, raw] of tables.entries()) {
    const parsed = modelTableSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ModelRegistryError(`model table #${index} is invalid: ${parsed.error.message}`, {
        cause: parsed.error,
      });
    }
    models.push(...toModels(parsed.data));
    for (const [name, row] of Object.entries(parsed.data.tools ?? {})) {
      if (tools.has(name)) throw new ModelRegistryError(`tool prices of "${name}" are listed twice`);
      const prices: Record<string, UnitPrice> = {};
      for (const [unit, price] of Object.entries(row.quantities)) {
        const nano = parseUsd(price.usd);
        if (!Number.isSafeInteger(nano)) {
          throw new ModelRegistryError(
            `${parsed.data.priceTableVersion}/${name}.${unit}: price out of range`,
          );
        }
        prices[unit] = { nanoUsd: nano, per: price.per };
      }
      tools.set(name, {
        priceTableVersion: parsed.data.priceTableVersion,
        prices,
        pricesTakenOn: row.pricesTakenOn,
      });
    }
  }
  return new ModelRegistry(models, tools);
}

function toModels(table: ModelTable): ModelInfo[] {
  return table.models.map((row) => {
    const where = `${table.priceTableVersion}/${row.id}`;
    if (row.maxOutputTokens > row.contextWindow) {
      throw new ModelRegistryError(`${where}: maxOutputTokens exceeds contextWindow`);
    }
    const prices = toPrices(row.pricesPerMTokUsd, where);
    const longPrompt =
      row.longPrompt === undefined
        ? undefined
        : {
            aboveTokens: row.longPrompt.aboveTokens,
            prices: toPrices(row.longPrompt.pricesPerMTokUsd, `${where}/longPrompt`),
          };
    // Pricing promises that more tokens never cost less; a long-prompt tier cheaper than
    // the standard one would break that at the threshold.
    if (longPrompt !== undefined && !everyPriceAtLeast(longPrompt.prices, prices)) {
      throw new ModelRegistryError(`${where}: longPrompt prices must not be below the standard prices`);
    }
    return {
      id: row.id,
      displayName: row.displayName,
      provider: table.provider,
      contextWindow: row.contextWindow,
      maxOutputTokens: row.maxOutputTokens,
      prices,
      ...(longPrompt === undefined ? {} : { longPrompt }),
      capabilities: row.capabilities,
      isDefault: row.default === true,
      priceTableVersion: table.priceTableVersion,
      pricesTakenOn: row.pricesTakenOn,
      ...(row.retiresOn === undefined ? {} : { retiresOn: row.retiresOn }),
    };
  });
}

function toPrices(prices: PricesPerMTok, where: string): ModelPrices {
  return {
    input: perTokenNanoUsd(prices.input, `${where}.input`),
    output: perTokenNanoUsd(prices.output, `${where}.output`),
    cacheWrite5m: perTokenNanoUsd(prices.cacheWrite5m, `${where}.cacheWrite5m`),
    cacheWrite1h: perTokenNanoUsd(prices.cacheWrite1h, `${where}.cacheWrite1h`),
    cacheRead: perTokenNanoUsd(prices.cacheRead, `${where}.cacheRead`),
  };
}

function everyPriceAtLeast(a: ModelPrices, b: ModelPrices): boolean {
  return (
    a.input >= b.input &&
    a.output >= b.output &&
    a.cacheWrite5m >= b.cacheWrite5m &&
    a.cacheWrite1h >= b.cacheWrite1h &&
    a.cacheRead >= b.cacheRead
  );
}

/** The registry built from the bundled tables (validated on first import). */
export const modelRegistry: ModelRegistry = loadModelRegistry([anthropicModels]);

/** The bundled model with this id; throws {@link UnknownModelError} otherwise. */
export function getModel(id: string): ModelInfo {
  return modelRegistry.getModel(id);
}

/** Every bundled model. */
export function listModels(): readonly ModelInfo[] {
  return modelRegistry.listModels();
}

/** The bundled default model. */
export function defaultModel(): ModelInfo {
  return modelRegistry.defaultModel();
}
