import { describe, expect, it } from "vitest";
import {
  defaultModel,
  getModel,
  listModels,
  loadModelRegistry,
  ModelRegistryError,
  modelRegistry,
  PriceNotRepresentableError,
  perTokenNanoUsd,
  UnknownModelError,
} from "../src/index.ts";
import bundledTable from "../src/registry/anthropic-models.json" with { type: "json" };

/** A minimal valid table to vary in tests. */
function table(overrides: Record<string, unknown> = {}, modelOverrides: Record<string, unknown> = {}) {
  return {
    priceTableVersion: "anthropic-2026-11-26",
    provider: "anthropic",
    source: "test",
    models: [
      {
        id: "m-1",
        displayName: "Model One",
        contextWindow: 200_000,
        maxOutputTokens: 64_000,
        pricesPerMTokUsd: {
          input: "3",
          output: "15",
          cacheWrite5m: "3.75",
          cacheWrite1h: "6",
          cacheRead: "0.30",
        },
        capabilities: { thinking: "budget", effort: false, vision: true },
        default: true,
        pricesTakenOn: "2026-11-26",
        ...modelOverrides,
      },
    ],
    ...overrides,
  };
}

describe("given a $/MTok decimal string", () => {
  it("when it is a multiple of $0.001/MTok, then it converts to exact nano-USD per token", () => {
    expect(perTokenNanoUsd("3", "t")).toBe(3_000);
    expect(perTokenNanoUsd("0.30", "t")).toBe(300);
    expect(perTokenNanoUsd("0.01", "t")).toBe(10);
    expect(perTokenNanoUsd("0.125", "t")).toBe(125);
    expect(perTokenNanoUsd("0", "t")).toBe(0);
  });

  it("when it is finer than $0.001/MTok, then conversion fails loudly instead of rounding", () => {
    expect(() => perTokenNanoUsd("0.0125", "haiku.cacheRead")).toThrow(PriceNotRepresentableError);
    expect(() => perTokenNanoUsd("0.0125", "haiku.cacheRead")).toThrow(/haiku\.cacheRead/);
  });

  it("when it is not a decimal at all, then conversion fails with the parse error as cause", () => {
    const error = (() => {
      try {
        perTokenNanoUsd("three", "t");
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PriceNotRepresentableError);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe("given the bundled Anthropic model table", () => {
  it("when loaded, then it carries the price table version on every model", () => {
    for (const model of listModels()) {
      expect(model.priceTableVersion).toBe(bundledTable.priceTableVersion);
      expect(model.provider).toBe("anthropic");
      expect(model.pricesTakenOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("when listing ids, then a 4.x model and the whole 5.x family are there", () => {
    const ids = listModels().map((model) => model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "claude-haiku-4-5",
        "claude-sonnet-4-5",
        "claude-sonnet-4-6",
        "claude-opus-4-6",
        "claude-opus-4-7",
        "claude-opus-4-8",
        "claude-opus-5",
        "claude-sonnet-5",
        "claude-sonnet-5-5",
        "claude-opus-5-5",
        "claude-haiku-5-5",
      ]),
    );
  });

  it("when asking for the default, then exactly one model is it", () => {
    expect(listModels().filter((model) => model.isDefault)).toEqual([defaultModel()]);
    expect(defaultModel().id).toBe("claude-sonnet-5-5");
  });

  it("when reading prices, then they match the reference in nano-USD per token", () => {
    expect(getModel("claude-opus-5-5").prices).toEqual({
      input: 4_000,
      output: 20_000,
      cacheWrite5m: 5_000,
      cacheWrite1h: 8_000,
      cacheRead: 200,
    });
    expect(getModel("claude-opus-5").prices.cacheRead).toBe(500);
    expect(getModel("claude-sonnet-5-5").prices).toMatchObject({
      input: 2_000,
      output: 10_000,
      cacheRead: 200,
    });
    expect(getModel("claude-haiku-5-5").prices).toEqual({
      input: 100,
      output: 500,
      cacheWrite5m: 125,
      cacheWrite1h: 200,
      cacheRead: 10,
    });
    expect(getModel("claude-haiku-4-5").prices).toMatchObject({
      input: 1_000,
      output: 5_000,
      cacheRead: 100,
    });
    expect(getModel("claude-sonnet-4-6").prices).toMatchObject({
      input: 3_000,
      output: 15_000,
      cacheRead: 300,
    });
  });

  it("when a model has no stated exception, then cache writes are 1.25x and 2x input", () => {
    for (const model of listModels()) {
      expect(model.prices.cacheWrite5m * 4).toBe(model.prices.input * 5);
      expect(model.prices.cacheWrite1h).toBe(model.prices.input * 2);
    }
  });

  it("when reading Haiku 5.5, then its long-prompt tier starts above 100K prompt tokens", () => {
    expect(getModel("claude-haiku-5-5").longPrompt).toEqual({
      aboveTokens: 100_000,
      prices: { input: 500, output: 2_500, cacheWrite5m: 625, cacheWrite1h: 1_000, cacheRead: 50 },
    });
  });

  it("when reading capabilities, then 4.5-era models use budgets and newer ones adaptive thinking", () => {
    expect(getModel("claude-haiku-4-5").capabilities).toEqual({
      thinking: "budget",
      effort: false,
      vision: true,
    });
    expect(getModel("claude-opus-4-7").capabilities.thinking).toBe("adaptive");
    expect(getModel("claude-opus-5-5").capabilities).toEqual({
      thinking: "adaptive",
      effort: true,
      vision: true,
    });
  });

  it("when asking for an unknown id, then getModel throws and findModel returns undefined", () => {
    expect(() => getModel("claude-nonexistent")).toThrow(UnknownModelError);
    expect(modelRegistry.findModel("claude-nonexistent")).toBeUndefined();
  });
});

describe("given a model table to validate", () => {
  it("when it is well formed, then the registry serves its model", () => {
    const registry = loadModelRegistry([table()]);
    expect(registry.getModel("m-1")).toMatchObject({ displayName: "Model One", isDefault: true });
    expect(registry.getModel("m-1").prices.cacheRead).toBe(300);
  });

  it("when a price is not a decimal string, then loading fails naming the table", () => {
    const bad = table(
      {},
      { pricesPerMTokUsd: { input: 3, output: "15", cacheWrite5m: "1", cacheWrite1h: "1", cacheRead: "1" } },
    );
    expect(() => loadModelRegistry([bad])).toThrow(ModelRegistryError);
  });

  it("when a price is finer than a nano-USD per token, then loading fails loudly", () => {
    const bad = table(
      {},
      {
        pricesPerMTokUsd: {
          input: "0.0005",
          output: "1",
          cacheWrite5m: "1",
          cacheWrite1h: "1",
          cacheRead: "1",
        },
      },
    );
    expect(() => loadModelRegistry([bad])).toThrow(PriceNotRepresentableError);
  });

  it("when no model or two models are the default, then loading fails", () => {
    expect(() => loadModelRegistry([table({}, { default: undefined })])).toThrow(/exactly one/);
    const two = table();
    const second = { ...two.models[0], id: "m-2" };
    expect(() => loadModelRegistry([{ ...two, models: [...two.models, second] }])).toThrow(/exactly one/);
  });

  it("when an id appears twice, then loading fails", () => {
    const twice = table();
    const copy = { ...twice.models[0], default: undefined };
    expect(() => loadModelRegistry([{ ...twice, models: [...twice.models, copy] }])).toThrow(/twice/);
  });

  it("when max output exceeds the context window, then loading fails", () => {
    expect(() => loadModelRegistry([table({}, { maxOutputTokens: 300_000 })])).toThrow(/maxOutputTokens/);
  });

  it("when a long-prompt tier is cheaper than the standard prices, then loading fails", () => {
    const cheaper = table(
      {},
      {
        longPrompt: {
          aboveTokens: 1_000,
          pricesPerMTokUsd: {
            input: "1",
            output: "15",
            cacheWrite5m: "3.75",
            cacheWrite1h: "6",
            cacheRead: "0.30",
          },
        },
      },
    );
    expect(() => loadModelRegistry([cheaper])).toThrow(/longPrompt/);
  });

  it("when an unknown field appears, then loading fails instead of ignoring it", () => {
    expect(() => loadModelRegistry([table({}, { pricePerMTok: "3" })])).toThrow(ModelRegistryError);
  });

  it("when the capability value is unknown, then loading fails", () => {
    const bad = table({}, { capabilities: { thinking: "always", effort: false, vision: true } });
    expect(() => loadModelRegistry([bad])).toThrow(ModelRegistryError);
  });
});

describe("given the tool prices in the bundled table", () => {
  it("when a paid tool's prices are read, then they are exact nano-USD under the models' price table version", () => {
    const python = modelRegistry.toolPrices("execute_python");
    expect(python).toEqual({
      priceTableVersion: modelRegistry.defaultModel().priceTableVersion,
      pricesTakenOn: "2026-11-26",
      prices: { vcpuSeconds: { nanoUsd: 14_000, per: 1 }, memoryMibSeconds: { nanoUsd: 4_500, per: 1024 } },
    });
    expect(modelRegistry.toolPrices("transcribe_audio:whisper-1")?.prices).toEqual({
      audioSeconds: { nanoUsd: 6_000_000, per: 60 },
    });
    expect(modelRegistry.toolPrices("generate_image:gemini-3-pro-image")?.prices.images4k).toEqual({
      nanoUsd: 240_000_000,
      per: 1,
    });
    expect(modelRegistry.toolPrices("nope")).toBeUndefined();
  });

  it("when a table prices a tool twice or names a bad quantity, then loading fails", () => {
    const table = (tools: unknown) => ({
      priceTableVersion: "anthropic-2026-11-26",
      provider: "anthropic",
      source: "test",
      models: [
        {
          id: "m",
          displayName: "M",
          contextWindow: 1000,
          maxOutputTokens: 100,
          pricesPerMTokUsd: { input: "1", output: "1", cacheWrite5m: "1", cacheWrite1h: "1", cacheRead: "1" },
          capabilities: { thinking: "none", effort: false, vision: false },
          default: true,
          pricesTakenOn: "2026-11-26",
        },
      ],
      tools,
    });
    const row = {
      quantities: { seconds: { usd: "0.01", per: 1 } },
      pricesTakenOn: "2026-11-26",
      source: "t",
    };
    expect(() =>
      loadModelRegistry([table({ execute_python: row })]).toolPrices("execute_python"),
    ).not.toThrow();
    expect(() =>
      loadModelRegistry([table({ execute_python: { ...row, quantities: { "bad unit": { usd: "1" } } } })]),
    ).toThrow(ModelRegistryError);
  });
});
