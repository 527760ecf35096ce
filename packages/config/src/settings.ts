/**
 * The catalogue of setting names. Kept apart from the zod schema so that the
 * secret-file reader and the error formatter can reason about names without
 * importing zod.
 */

/**
 * Settings that may hold credentials. Each can come from the env var `NAME`,
 * from the file named by `NAME_FILE`, or from `<secretsDir>/<name>.txt`.
 * Their values are never echoed in errors or in {@link describeConfig} output.
 */
export const SECRET_SETTINGS = [
  "DATABASE_URL",
  "EVENTSTORE_URL",
  "OPS_TOKEN",
  "TELEGRAM_BOT_TOKEN",
  "ANTHROPIC_API_KEY",
  "OPENAI_API_KEY",
  "GEMINI_API_KEY",
  "E2B_API_KEY",
  "PAYMENT_PAYLOAD_SECRET",
  "TELEGRAM_WEBHOOK_SECRET",
  "REDIS_URL",
  "PRIVILEGED_USERS",
] as const;

/** A setting that may hold a credential (see {@link SECRET_SETTINGS}). */
export type SecretSetting = (typeof SECRET_SETTINGS)[number];

/** Settings that are read from the environment only. */
export const PLAIN_SETTINGS = [
  "NODE_ENV",
  "LOG_LEVEL",
  "LOG_PRETTY",
  "DATA_DIR",
  "EVENTSTORE_SCHEMA",
  "OPS_HOST",
  "OPS_PORT",
  "PROJECTIONS",
  "TELEGRAM_API_ROOT",
  "ANTHROPIC_BASE_URL",
  "OPENAI_BASE_URL",
  "GOOGLE_GEMINI_BASE_URL",
  "E2B_API_URL",
  "E2B_SANDBOX_URL",
  "TOOL_MAX_ITERATIONS",
  "TRANSCRIPTION_MODEL",
  "IMAGE_MODEL",
  "VISION_MODEL",
  "CRITIQUE_MODEL",
  "WEB_SEARCH_MAX_USES",
  "WEB_FETCH_MAX_USES",
  "TELEGRAM_WEBHOOK_URL",
  "WEBHOOK_HOST",
  "WEBHOOK_PORT",
  "BOT_RUN_PROJECTIONS",
  "BATCH_WINDOW_MS",
  "PASSIVATE_AFTER_MS",
  "DRAFT_INTERVAL_MS",
  "EDIT_INTERVAL_MS",
  "GROUP_EDIT_INTERVAL_MS",
  "MAX_OUTPUT_TOKENS",
  "STARTER_BALANCE_USD",
  "INVOICE_TTL_MINUTES",
  "PAYSUPPORT_CONTACT",
  "DEFAULT_MODEL",
] as const;

/** A setting read from the environment only. */
export type PlainSetting = (typeof PLAIN_SETTINGS)[number];

/** Every setting name {@link loadConfig} understands. */
export type SettingName = SecretSetting | PlainSetting;

/**
 * Settings that are optional in the base schema and that a service may make
 * mandatory through `loadConfig({ require: [...] })`. Settings with a default
 * (such as `OPS_PORT`) are always present and so are not listed.
 */
export const REQUIRABLE_SETTINGS = [
  ...SECRET_SETTINGS,
  "ANTHROPIC_BASE_URL",
  "OPENAI_BASE_URL",
  "GOOGLE_GEMINI_BASE_URL",
  "E2B_API_URL",
] as const;

/** A setting a service can demand via `loadConfig({ require })`. */
export type RequirableSetting = (typeof REQUIRABLE_SETTINGS)[number];

const secretSettings: ReadonlySet<string> = new Set(SECRET_SETTINGS);

/** Whether `setting` may hold a credential and therefore must never be echoed. */
export function isSecretSetting(setting: string): setting is SecretSetting {
  return secretSettings.has(setting);
}

/** The conventional file name of a secret inside the secrets directory, e.g. `telegram_bot_token.txt`. */
export function secretFileName(setting: SecretSetting): string {
  return `${setting.toLowerCase()}.txt`;
}

/** The env var that may point at a file holding the secret, e.g. `TELEGRAM_BOT_TOKEN_FILE`. */
export function secretFileEnvVar(setting: SecretSetting): string {
  return `${setting}_FILE`;
}
