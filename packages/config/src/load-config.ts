import { join, resolve } from "node:path";
import type { z } from "zod";
import { type AppConfig, buildAppConfig } from "./app-config.ts";
import { ConfigError, type ConfigIssue } from "./config-error.ts";
import { displayPath, type RawSettings, readRawSettings } from "./read-raw-settings.ts";
import { sealConfig } from "./seal-config.ts";
import { isSecretSetting, type RequirableSetting, type SettingName, secretFileName } from "./settings.ts";
import { settingsSchema } from "./settings-schema.ts";

/** Inputs of {@link loadConfig}; all optional so production code can call `loadConfig()`. */
export interface LoadConfigOptions {
  /** Environment to read; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv | Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against; defaults to `process.cwd()`. */
  readonly cwd?: string;
  /** Where `<name>.txt` secret files live; defaults to `<cwd>/secrets`. */
  readonly secretsDir?: string;
  /** Settings this service cannot run without, e.g. `["TELEGRAM_BOT_TOKEN", "ANTHROPIC_API_KEY"]`. */
  readonly require?: readonly RequirableSetting[];
}

/** Longest excerpt of an invalid non-secret value echoed back in a hint. */
const MAX_ECHOED_VALUE = 80;

/**
 * Reads env and secret files, validates everything against one schema and returns
 * the typed, deeply frozen {@link AppConfig}.
 *
 * @throws {ConfigError} listing every missing, unreadable or invalid setting at once.
 */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  const secretsDir = resolve(cwd, options.secretsDir ?? join(cwd, "secrets"));
  const raw = readRawSettings({ env: options.env ?? process.env, cwd, secretsDir });

  const parsed = settingsSchema.safeParse(raw.values);
  const issues = [
    ...raw.issues,
    ...missingRequired(options.require ?? [], raw, { cwd, secretsDir }),
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => toConfigIssue(issue, raw))),
  ];
  if (issues.length > 0 || !parsed.success) throw new ConfigError(sortBySettingOrder(issues));

  return sealConfig(buildAppConfig(parsed.data, raw.sources, cwd));
}

function missingRequired(
  required: readonly RequirableSetting[],
  raw: RawSettings,
  dirs: { readonly cwd: string; readonly secretsDir: string },
): ConfigIssue[] {
  const alreadyReported = new Set(raw.issues.map((issue) => issue.setting));
  return [...new Set(required)]
    .filter((setting) => raw.values[setting] === undefined && !alreadyReported.has(setting))
    .map((setting) => ({ setting, problem: "missing", hint: missingHint(setting, dirs) }));
}

function missingHint(
  setting: SettingName,
  dirs: { readonly cwd: string; readonly secretsDir: string },
): string {
  if (!isSecretSetting(setting)) return `set the env var ${setting}`;
  const file = displayPath(dirs.cwd, join(dirs.secretsDir, secretFileName(setting)));
  return `set the env var ${setting} or write it to ${file}`;
}

function toConfigIssue(issue: z.core.$ZodIssue, raw: RawSettings): ConfigIssue {
  const setting = String(issue.path[0] ?? "configuration");
  const value = raw.values[setting as SettingName];
  return { setting, problem: "invalid", hint: `${issue.message}, ${describeReceived(setting, value, raw)}` };
}

/** Echoes what was received, except for secrets where only the origin is named. */
function describeReceived(setting: string, value: string | undefined, raw: RawSettings): string {
  if (value === undefined) return "got nothing";
  if (isSecretSetting(setting)) {
    const source = raw.sources[setting];
    const origin = source?.kind === "file" ? source.path : `the env var ${setting}`;
    return `got a value from ${origin} (not shown: it is a secret)`;
  }
  const shown = value.length > MAX_ECHOED_VALUE ? `${value.slice(0, MAX_ECHOED_VALUE)}…` : value;
  return `got ${JSON.stringify(shown)}`;
}

const settingOrder: readonly string[] = Object.keys(settingsSchema.shape);

function sortBySettingOrder(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const rank = (setting: string) => {
    const index = settingOrder.indexOf(setting);
    return index === -1 ? settingOrder.length : index;
  };
  // Array.prototype.sort is stable, so several issues of one setting keep their order.
  return [...issues].sort((a, b) => rank(a.setting) - rank(b.setting));
}
