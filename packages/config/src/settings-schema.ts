import { z } from "zod";
import {
  autoOrBoolean,
  booleanish,
  host,
  httpUrl,
  integerIn,
  nameList,
  oneOf,
  port,
  sqlIdentifier,
  telegramBotToken,
  urlWithScheme,
  usdAmount,
  userIdList,
} from "./schema-primitives.ts";
import type { SettingName } from "./settings.ts";

/** The deployment environments the bot distinguishes. */
export const NODE_ENVS = ["development", "test", "production"] as const;

/** Log levels accepted by `LOG_LEVEL` (pino's levels plus `silent`). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * The single schema every setting is validated against. Input is the flat map of
 * trimmed strings gathered from env and secret files (blank = absent); output is
 * the flat, typed settings that {@link buildAppConfig} reshapes. Key order is the
 * order issues are reported in.
 */
export const settingsSchema = z.object({
  NODE_ENV: oneOf(NODE_ENVS).default("development"),
  LOG_LEVEL: oneOf(LOG_LEVELS).default("info"),
  LOG_PRETTY: booleanish().default(false),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: urlWithScheme(["postgres", "postgresql"], "a postgres:// or postgresql:// URL").optional(),
  EVENTSTORE_URL: urlWithScheme(
    ["esdb", "esdb+discover", "kurrentdb", "kurrentdb+discover"],
    "a URL starting with esdb://, esdb+discover:// or kurrentdb://",
  ).optional(),
  EVENTSTORE_SCHEMA: sqlIdentifier().default("es"),
  OPS_HOST: host().default("127.0.0.1"),
  OPS_PORT: port().default(9464),
  OPS_TOKEN: z.string().optional(),
  PROJECTIONS: nameList().default("all"),
  TELEGRAM_BOT_TOKEN: telegramBotToken().optional(),
  TELEGRAM_API_ROOT: httpUrl().default("https://api.telegram.org"),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: httpUrl().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: httpUrl().optional(),
  GEMINI_API_KEY: z.string().optional(),
  GOOGLE_GEMINI_BASE_URL: httpUrl().optional(),
  E2B_API_KEY: z.string().optional(),
  E2B_API_URL: httpUrl().optional(),
  E2B_SANDBOX_URL: httpUrl().optional(),
  TOOL_MAX_ITERATIONS: integerIn(1, 50).default(10),
  TRANSCRIPTION_MODEL: z
    .enum(["whisper-1", "gpt-transcribe"], {
      error: "expected whisper-1 or gpt-transcribe (the priced models)",
    })
    .default("whisper-1"),
  IMAGE_MODEL: z
    .string()
    .regex(/^[a-z0-9.-]{1,100}$/, { error: "expected a Gemini image model id such as gemini-3-pro-image" })
    .default("gemini-3-pro-image"),
  VISION_MODEL: z
    .string()
    .regex(/^[a-z0-9.-]{1,100}$/, { error: "expected a Claude model id such as claude-haiku-4-5" })
    .default("claude-haiku-4-5"),
  CRITIQUE_MODEL: z
    .string()
    .regex(/^[a-z0-9.-]{1,100}$/, { error: "expected a Claude model id such as claude-opus-5-5" })
    .default("claude-opus-5-5"),
  WEB_SEARCH_MAX_USES: integerIn(0, 20).default(5),
  WEB_FETCH_MAX_USES: integerIn(0, 20).default(5),
  PAYMENT_PAYLOAD_SECRET: z.string().optional(),
  TELEGRAM_WEBHOOK_URL: urlWithScheme(["https", "http"], "an https:// URL Telegram can reach").optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, { error: "expected 1-256 characters of A-Z, a-z, 0-9, _ and -" })
    .optional(),
  WEBHOOK_HOST: host().default("0.0.0.0"),
  WEBHOOK_PORT: port().default(8080),
  BOT_RUN_PROJECTIONS: autoOrBoolean().default("auto"),
  BATCH_WINDOW_MS: integerIn(0, 10_000).default(150),
  PASSIVATE_AFTER_MS: integerIn(1000, 86_400_000).default(600_000),
  DRAFT_INTERVAL_MS: integerIn(50, 10_000).default(500),
  EDIT_INTERVAL_MS: integerIn(100, 60_000).default(1000),
  GROUP_EDIT_INTERVAL_MS: integerIn(100, 60_000).default(3000),
  MAX_OUTPUT_TOKENS: integerIn(256, 1_000_000).default(16_000),
  REDIS_URL: urlWithScheme(["redis", "rediss"], "a redis:// or rediss:// URL").optional(),
  PRIVILEGED_USERS: userIdList().optional(),
  STARTER_BALANCE_USD: usdAmount().default(100_000_000),
  INVOICE_TTL_MINUTES: integerIn(1, 10_080).default(60),
  PAYSUPPORT_CONTACT: z.string().max(200).optional(),
  DEFAULT_MODEL: z
    .string()
    .regex(/^[a-z0-9.-]{1,100}$/, { error: "expected a model id such as claude-sonnet-5-5" })
    .optional(),
} satisfies Record<SettingName, z.ZodType>);

/** Validated, typed settings, still keyed by their env names. */
export type Settings = z.output<typeof settingsSchema>;
