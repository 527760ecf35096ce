import { inspect } from "node:util";
import type { AppConfig } from "./app-config.ts";
import { type DescribedConfig, type DescribedValue, describeConfig } from "./describe-config.ts";

/**
 * Makes `config` safe to pass around: every nested object gets a non-enumerable
 * `toJSON` (and `util.inspect` hook) returning its redacted view, so
 * `JSON.stringify`, pino and `console.log` cannot leak secrets, and the whole
 * tree is frozen so no component can mutate shared settings.
 */
export function sealConfig(config: AppConfig): AppConfig {
  const described = describeConfig(config);
  attachRedactedViews(config, described);
  return deepFreeze(config);
}

function attachRedactedViews(node: object, view: DescribedConfig): void {
  for (const [key, value] of Object.entries(node)) {
    const nested = view[key];
    // Subtrees absent from the view (such as `sources`) hold no secrets and keep plain JSON.
    if (isPlainObject(value) && nested !== undefined && isDescribedObject(nested)) {
      attachRedactedViews(value, nested);
    }
  }
  Object.defineProperty(node, "toJSON", { value: () => view, enumerable: false });
  Object.defineProperty(node, inspect.custom, { value: () => view, enumerable: false });
}

function isDescribedObject(value: DescribedValue): value is DescribedConfig {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function deepFreeze<T extends object>(node: T): T {
  for (const value of Object.values(node)) {
    if (typeof value === "object" && value !== null) deepFreeze(value);
  }
  return Object.freeze(node);
}
