/**
 * @bot/config: one validated, typed configuration for every service, read from
 * env vars and secret files at startup.
 *
 * @example
 * ```ts
 * const config = loadConfig({ require: ["TELEGRAM_BOT_TOKEN", "ANTHROPIC_API_KEY"] });
 * logger.info({ config: describeConfig(config) }, "starting");
 * ```
 */
export type {
  AppConfig,
  BotSecrets,
  Endpoints,
  LogConfig,
  LogLevel,
  NodeEnv,
  OpsConfig,
  ProjectionSelection,
  StoreConfig,
} from "./app-config.ts";
export { ConfigError, type ConfigIssue, type ConfigProblem, formatConfigError } from "./config-error.ts";
export { type DescribedConfig, type DescribedValue, describeConfig } from "./describe-config.ts";
export { type LoadConfigOptions, loadConfig } from "./load-config.ts";
export type { SettingSource, SettingSources } from "./read-raw-settings.ts";
export {
  REQUIRABLE_SETTINGS,
  type RequirableSetting,
  SECRET_SETTINGS,
  type SecretSetting,
  type SettingName,
  secretFileName,
} from "./settings.ts";
export { LOG_LEVELS, NODE_ENVS } from "./settings-schema.ts";
