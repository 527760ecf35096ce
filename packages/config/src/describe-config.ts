import type { AppConfig } from "./app-config.ts";
import type { SettingSource } from "./read-raw-settings.ts";
import type { SecretSetting } from "./settings.ts";

/** A JSON-safe value in the {@link describeConfig} view. */
export type DescribedValue = string | number | boolean | null | readonly DescribedValue[] | DescribedConfig;

/** The loggable view of an {@link AppConfig}: same shape, secrets replaced by their origin. */
export interface DescribedConfig {
  readonly [key: string]: DescribedValue;
}

/**
 * Returns a loggable copy of `config` in which every secret value is replaced by
 * where it came from, e.g. `"[set via env]"` or `"[set via secrets/ops_token.txt]"`.
 * Secrets are recognised by value rather than by position, so derived copies such
 * as `store.url` (a copy of `databaseUrl`) are hidden too. `sources` is omitted
 * because the labels already carry it.
 */
export function describeConfig(config: AppConfig): DescribedConfig {
  const labels = secretLabels(config);
  const { sources: _sources, ...rest } = config;
  return describeObject(rest, labels);
}

function secretLabels(config: AppConfig): ReadonlyMap<string, string> {
  const secrets: ReadonlyArray<readonly [SecretSetting, string | undefined]> = [
    ["DATABASE_URL", config.databaseUrl],
    ["EVENTSTORE_URL", config.eventStoreUrl],
    ["OPS_TOKEN", config.ops.token],
    ["TELEGRAM_BOT_TOKEN", config.secrets.telegramBotToken],
    ["ANTHROPIC_API_KEY", config.secrets.anthropicApiKey],
    ["OPENAI_API_KEY", config.secrets.openaiApiKey],
    ["GEMINI_API_KEY", config.secrets.geminiApiKey],
    ["E2B_API_KEY", config.secrets.e2bApiKey],
    ["PAYMENT_PAYLOAD_SECRET", config.secrets.paymentPayloadSecret],
    ["TELEGRAM_WEBHOOK_SECRET", config.bot.webhook?.secret],
    ["REDIS_URL", config.redisUrl],
  ];
  const labels = new Map<string, string>();
  for (const [setting, value] of secrets) {
    if (value !== undefined) labels.set(value, sourceLabel(config.sources[setting]));
  }
  return labels;
}

/** `[set via env]`, `[set via secrets/x.txt]`, or `[set]` when the origin is unknown. */
export function sourceLabel(source: SettingSource | undefined): string {
  if (source === undefined) return "[set]";
  return source.kind === "env" ? "[set via env]" : `[set via ${source.path}]`;
}

function describeObject(node: object, labels: ReadonlyMap<string, string>): DescribedConfig {
  const described: Record<string, DescribedValue> = {};
  for (const [key, value] of Object.entries(node)) {
    const item = describeValue(value, labels);
    if (item !== undefined) described[key] = item;
  }
  return described;
}

function describeValue(value: unknown, labels: ReadonlyMap<string, string>): DescribedValue | undefined {
  if (typeof value === "string") return labels.get(value) ?? value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => describeValue(item, labels) ?? null);
  if (typeof value === "object") return describeObject(value, labels);
  return undefined;
}
