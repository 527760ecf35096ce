import { resolve } from "node:path";
import type { SettingSources } from "./read-raw-settings.ts";
import type { LOG_LEVELS, NODE_ENVS, Settings } from "./settings-schema.ts";

/** `NODE_ENV`. */
export type NodeEnv = (typeof NODE_ENVS)[number];

/** `LOG_LEVEL`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Logging settings. */
export interface LogConfig {
  /** `LOG_LEVEL`, default `info`. */
  readonly level: LogLevel;
  /** `LOG_PRETTY`: human-readable lines instead of JSON, default `false`. */
  readonly pretty: boolean;
}

/**
 * Which event store backs the bot, derived from which URLs are set:
 * `EVENTSTORE_URL` selects KurrentDB/EventStoreDB, else `DATABASE_URL` selects
 * server Postgres, else the embedded PGlite store under `dataDir` is used.
 */
export type StoreConfig =
  | {
      readonly kind: "pglite";
      /** Absolute data directory; the store picks its own sub-directory. */
      readonly dataDir: string;
      /** `EVENTSTORE_SCHEMA`. */
      readonly schema: string;
    }
  | {
      readonly kind: "postgres";
      /** `DATABASE_URL` (secret). */
      readonly url: string;
      /** `EVENTSTORE_SCHEMA`. */
      readonly schema: string;
    }
  | {
      readonly kind: "esdb";
      /** `EVENTSTORE_URL` (secret). */
      readonly url: string;
    };

/** The ops HTTP server serving /metrics, /healthz and admin routes. */
export interface OpsConfig {
  /** `OPS_HOST`, default `127.0.0.1` so admin routes are not exposed by accident. */
  readonly host: string;
  /** `OPS_PORT`, default 9464; 0 picks an ephemeral port. */
  readonly port: number;
  /** `OPS_TOKEN` (secret): bearer token for admin routes. */
  readonly token?: string;
}

/** `PROJECTIONS`: every projection, or only the named ones. */
export type ProjectionSelection = "all" | readonly string[];

/** Third-party credentials; each is optional unless a service requires it. */
export interface BotSecrets {
  /** `TELEGRAM_BOT_TOKEN`, file `telegram_bot_token.txt`. */
  readonly telegramBotToken?: string;
  /** `ANTHROPIC_API_KEY`, file `anthropic_api_key.txt`. */
  readonly anthropicApiKey?: string;
  /** `OPENAI_API_KEY`, file `openai_api_key.txt`. */
  readonly openaiApiKey?: string;
  /** `GEMINI_API_KEY`, file `gemini_api_key.txt`. */
  readonly geminiApiKey?: string;
  /** `E2B_API_KEY`, file `e2b_api_key.txt`. */
  readonly e2bApiKey?: string;
  /** `PAYMENT_PAYLOAD_SECRET`, file `payment_payload_secret.txt`: signs invoice payloads. */
  readonly paymentPayloadSecret?: string;
}

/** Upstream API base URLs, without trailing slashes. Unset ones mean "SDK default". */
export interface Endpoints {
  /** `TELEGRAM_API_ROOT`, default `https://api.telegram.org`. */
  readonly telegramApiRoot: string;
  /** `ANTHROPIC_BASE_URL`. */
  readonly anthropicBaseUrl?: string;
  /** `OPENAI_BASE_URL`. */
  readonly openaiBaseUrl?: string;
  /** `GOOGLE_GEMINI_BASE_URL`. */
  readonly googleGeminiBaseUrl?: string;
  /** `E2B_API_URL`. */
  readonly e2bApiUrl?: string;
  /** `E2B_SANDBOX_URL`: where sandboxes are reached (a proxy, the test fake); unset: E2B's. */
  readonly e2bSandboxUrl?: string;
}

/** The tools offered to the model; each paid tool needs its provider's key. */
export interface ToolsConfig {
  /** `TOOL_MAX_ITERATIONS`, default 10: model calls per answer in a tool loop. */
  readonly maxIterations: number;
  /** `TRANSCRIPTION_MODEL`, default whisper-1 (voice notes, transcribe_audio; needs OPENAI_API_KEY). */
  readonly transcriptionModel: "whisper-1" | "gpt-transcribe";
  /** `IMAGE_MODEL`, default gemini-3-pro-image (generate_image; needs GEMINI_API_KEY). */
  readonly imageModel: string;
  /** `VISION_MODEL`, default claude-haiku-4-5: the model analyze_image and analyze_pdf ask. */
  readonly visionModel: string;
  /** `CRITIQUE_MODEL`, default claude-opus-5-5: the stronger model self_critique asks. */
  readonly critiqueModel: string;
  /** `WEB_SEARCH_MAX_USES`, default 5 per answer; 0 turns web search off. */
  readonly webSearchMaxUses: number;
  /** `WEB_FETCH_MAX_USES`, default 5 per answer; 0 turns web fetch off. */
  readonly webFetchMaxUses: number;
}

/**
 * The validated application configuration returned by {@link loadConfig}.
 * Deeply frozen. `JSON.stringify(config)` (and of any nested object) yields the
 * {@link describeConfig} view, so logging the config never leaks a secret.
 */
export interface AppConfig {
  /** `NODE_ENV`, default `development`. */
  readonly nodeEnv: NodeEnv;
  readonly log: LogConfig;
  /** `DATA_DIR` resolved against cwd, default `<cwd>/data`. */
  readonly dataDir: string;
  /** `DATABASE_URL` (secret): a postgres:// URL selecting server Postgres. */
  readonly databaseUrl?: string;
  /** `EVENTSTORE_URL` (secret): an esdb:// or kurrentdb:// URL. */
  readonly eventStoreUrl?: string;
  /** `EVENTSTORE_SCHEMA`, default `es`: the SQL schema of the SQL-backed event store. */
  readonly eventStoreSchema: string;
  /** The selected event store, derived from the URLs above. */
  readonly store: StoreConfig;
  readonly ops: OpsConfig;
  /** `PROJECTIONS`, default `"all"`. */
  readonly projections: ProjectionSelection;
  readonly secrets: BotSecrets;
  readonly endpoints: Endpoints;
  readonly bot: BotConfig;
  readonly money: MoneyConfig;
  readonly tools: ToolsConfig;
  /** `REDIS_URL` (secret): Redis for rate limits and short-lived input states; unset: in memory. */
  readonly redisUrl?: string;
  /** Where each provided setting came from (never the value); unset settings are absent. */
  readonly sources: SettingSources;
}

/** Balances and payments. */
export interface MoneyConfig {
  /** `STARTER_BALANCE_USD`, default 0.10: what every new user gets, in nano-USD. */
  readonly starterBalance: number;
  /** `PRIVILEGED_USERS` (file `privileged_users.txt`): administrators, never blocked by the balance. */
  readonly privilegedUsers: readonly number[];
  /** `INVOICE_TTL_MINUTES`, default 60: how long an invoice may be paid. */
  readonly invoiceTtlMinutes: number;
  /** `PAYSUPPORT_CONTACT`: how users reach the operator (shown by /paysupport). */
  readonly supportContact?: string;
}

/** How the bot receives updates and paces its work. */
export interface BotConfig {
  /** Set: Telegram pushes updates to this HTTPS URL (`TELEGRAM_WEBHOOK_URL`); unset: long polling. */
  readonly webhook?: {
    readonly url: string;
    /** `TELEGRAM_WEBHOOK_SECRET` (secret): Telegram sends it in X-Telegram-Bot-Api-Secret-Token. */
    readonly secret?: string;
    /** Where the webhook server listens (`WEBHOOK_HOST`, `WEBHOOK_PORT`); the URL's path is served. */
    readonly host: string;
    readonly port: number;
  };
  /** `BOT_RUN_PROJECTIONS`: run the projector in the bot process; "auto" = only on the embedded store. */
  readonly runProjections: "auto" | boolean;
  /** `BATCH_WINDOW_MS`, default 150. */
  readonly batchWindowMs: number;
  /** `PASSIVATE_AFTER_MS`, default 600000 (10 minutes). */
  readonly passivateAfterMs: number;
  /** `DRAFT_INTERVAL_MS` (500), `EDIT_INTERVAL_MS` (1000), `GROUP_EDIT_INTERVAL_MS` (3000). */
  readonly cadence: {
    readonly draftIntervalMs: number;
    readonly editIntervalMs: number;
    readonly groupEditIntervalMs: number;
  };
  /** `MAX_OUTPUT_TOKENS`, default 16000 (each model's own maximum also applies). */
  readonly maxOutputTokens: number;
  /** `DEFAULT_MODEL`: the model for users who chose none (default: the registry's). */
  readonly defaultModel?: string;
}

/** Reshapes flat validated settings into the nested {@link AppConfig}. */
export function buildAppConfig(settings: Settings, sources: SettingSources, cwd: string): AppConfig {
  const dataDir = resolve(cwd, settings.DATA_DIR);
  return {
    nodeEnv: settings.NODE_ENV,
    log: { level: settings.LOG_LEVEL, pretty: settings.LOG_PRETTY },
    dataDir,
    ...defined("databaseUrl", settings.DATABASE_URL),
    ...defined("eventStoreUrl", settings.EVENTSTORE_URL),
    eventStoreSchema: settings.EVENTSTORE_SCHEMA,
    store: selectStore(settings, dataDir),
    ops: {
      host: settings.OPS_HOST,
      port: settings.OPS_PORT,
      ...defined("token", settings.OPS_TOKEN),
    },
    projections: settings.PROJECTIONS,
    secrets: {
      ...defined("telegramBotToken", settings.TELEGRAM_BOT_TOKEN),
      ...defined("anthropicApiKey", settings.ANTHROPIC_API_KEY),
      ...defined("openaiApiKey", settings.OPENAI_API_KEY),
      ...defined("geminiApiKey", settings.GEMINI_API_KEY),
      ...defined("e2bApiKey", settings.E2B_API_KEY),
      ...defined("paymentPayloadSecret", settings.PAYMENT_PAYLOAD_SECRET),
    },
    endpoints: {
      telegramApiRoot: settings.TELEGRAM_API_ROOT,
      ...defined("anthropicBaseUrl", settings.ANTHROPIC_BASE_URL),
      ...defined("openaiBaseUrl", settings.OPENAI_BASE_URL),
      ...defined("googleGeminiBaseUrl", settings.GOOGLE_GEMINI_BASE_URL),
      ...defined("e2bApiUrl", settings.E2B_API_URL),
      ...defined("e2bSandboxUrl", settings.E2B_SANDBOX_URL),
    },
    tools: {
      maxIterations: settings.TOOL_MAX_ITERATIONS,
      transcriptionModel: settings.TRANSCRIPTION_MODEL,
      imageModel: settings.IMAGE_MODEL,
      visionModel: settings.VISION_MODEL,
      critiqueModel: settings.CRITIQUE_MODEL,
      webSearchMaxUses: settings.WEB_SEARCH_MAX_USES,
      webFetchMaxUses: settings.WEB_FETCH_MAX_USES,
    },
    bot: {
      ...(settings.TELEGRAM_WEBHOOK_URL === undefined
        ? {}
        : {
            webhook: {
              url: settings.TELEGRAM_WEBHOOK_URL,
              ...defined("secret", settings.TELEGRAM_WEBHOOK_SECRET),
              host: settings.WEBHOOK_HOST,
              port: settings.WEBHOOK_PORT,
            },
          }),
      runProjections: settings.BOT_RUN_PROJECTIONS,
      batchWindowMs: settings.BATCH_WINDOW_MS,
      passivateAfterMs: settings.PASSIVATE_AFTER_MS,
      cadence: {
        draftIntervalMs: settings.DRAFT_INTERVAL_MS,
        editIntervalMs: settings.EDIT_INTERVAL_MS,
        groupEditIntervalMs: settings.GROUP_EDIT_INTERVAL_MS,
      },
      maxOutputTokens: settings.MAX_OUTPUT_TOKENS,
      ...defined("defaultModel", settings.DEFAULT_MODEL),
    },
    money: {
      starterBalance: settings.STARTER_BALANCE_USD,
      privilegedUsers: settings.PRIVILEGED_USERS ?? [],
      invoiceTtlMinutes: settings.INVOICE_TTL_MINUTES,
      ...defined("supportContact", settings.PAYSUPPORT_CONTACT),
    },
    ...defined("redisUrl", settings.REDIS_URL),
    sources,
  };
}

function selectStore(settings: Settings, dataDir: string): StoreConfig {
  if (settings.EVENTSTORE_URL !== undefined) return { kind: "esdb", url: settings.EVENTSTORE_URL };
  if (settings.DATABASE_URL !== undefined) {
    return { kind: "postgres", url: settings.DATABASE_URL, schema: settings.EVENTSTORE_SCHEMA };
  }
  return { kind: "pglite", dataDir, schema: settings.EVENTSTORE_SCHEMA };
}

/** `{ key: value }` when value is defined, else `{}`: optional keys are omitted, never `undefined`. */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
