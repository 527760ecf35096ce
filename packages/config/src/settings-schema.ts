import { z } from "zod";
import {
  booleanish,
  host,
  httpUrl,
  nameList,
  oneOf,
  port,
  sqlIdentifier,
  telegramBotToken,
  urlWithScheme,
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
  PAYMENT_PAYLOAD_SECRET: z.string().optional(),
} satisfies Record<SettingName, z.ZodType>);

/** Validated, typed settings, still keyed by their env names. */
export type Settings = z.output<typeof settingsSchema>;
