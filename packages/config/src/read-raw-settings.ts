import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { ConfigIssue } from "./config-error.ts";
import {
  PLAIN_SETTINGS,
  SECRET_SETTINGS,
  type SecretSetting,
  type SettingName,
  secretFileEnvVar,
  secretFileName,
} from "./settings.ts";

/** Where a setting's value came from; never the value itself. */
export type SettingSource =
  | { readonly kind: "env"; readonly variable: string }
  | {
      readonly kind: "file";
      /** The file as a human would name it: relative to cwd when inside it. */
      readonly path: string;
      /** Set when the file was named by a `NAME_FILE` env var rather than found in the secrets directory. */
      readonly variable?: string;
    };

/** The source of every setting that was provided; unset settings are absent. */
export type SettingSources = Readonly<Partial<Record<SettingName, SettingSource>>>;

/** Raw, trimmed string values before schema validation. */
export interface RawSettings {
  readonly values: Readonly<Partial<Record<SettingName, string>>>;
  readonly sources: SettingSources;
  /** Secret files that were named but could not be read. */
  readonly issues: readonly ConfigIssue[];
}

/** Where {@link readRawSettings} looks. */
export interface RawSettingsLocation {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Absolute working directory; relative `NAME_FILE` paths resolve against it. */
  readonly cwd: string;
  /** Absolute secrets directory. */
  readonly secretsDir: string;
}

type FileRead =
  | { readonly kind: "absent" }
  | { readonly kind: "text"; readonly text: string }
  | UnreadableFile;
type UnreadableFile = { readonly kind: "unreadable"; readonly reason: string };

/**
 * Collects every setting as a trimmed string. Blank values count as unset, because
 * `FOO=` in a compose file or an empty secret file almost always means "not configured".
 * Secrets resolve env var, then `NAME_FILE`, then `<secretsDir>/<name>.txt`: an explicit
 * choice beats the conventional location.
 */
export function readRawSettings(location: RawSettingsLocation): RawSettings {
  const values: Partial<Record<SettingName, string>> = {};
  const sources: Partial<Record<SettingName, SettingSource>> = {};
  const issues: ConfigIssue[] = [];

  for (const setting of PLAIN_SETTINGS) {
    const value = nonBlank(location.env[setting]);
    if (value !== undefined) {
      values[setting] = value;
      sources[setting] = { kind: "env", variable: setting };
    }
  }

  for (const setting of SECRET_SETTINGS) {
    const found = readSecret(setting, location);
    if ("issue" in found) {
      issues.push(found.issue);
    } else if (found.value !== undefined) {
      values[setting] = found.value;
      sources[setting] = found.source;
    }
  }

  return { values, sources, issues };
}

type SecretLookup =
  | { readonly value: string; readonly source: SettingSource }
  | { readonly value?: undefined }
  | { readonly issue: ConfigIssue };

function readSecret(setting: SecretSetting, location: RawSettingsLocation): SecretLookup {
  const fromEnv = nonBlank(location.env[setting]);
  if (fromEnv !== undefined) return { value: fromEnv, source: { kind: "env", variable: setting } };

  const fileVariable = secretFileEnvVar(setting);
  const namedFile = nonBlank(location.env[fileVariable]);
  if (namedFile !== undefined) {
    const read = readTextFile(resolve(location.cwd, namedFile));
    // An explicitly named file that does not exist is a deployment mistake, not "unset".
    if (read.kind === "absent") {
      return unreadable(setting, `${fileVariable} points to ${namedFile}, which does not exist`);
    }
    if (read.kind === "unreadable") {
      return unreadable(
        setting,
        `${fileVariable} points to ${namedFile}, which cannot be read (${read.reason})`,
      );
    }
    const value = nonBlank(read.text);
    if (value !== undefined)
      return { value, source: { kind: "file", path: namedFile, variable: fileVariable } };
  }

  const conventionalFile = join(location.secretsDir, secretFileName(setting));
  const read = readTextFile(conventionalFile);
  if (read.kind === "unreadable") {
    const shown = displayPath(location.cwd, conventionalFile);
    return unreadable(setting, `${shown} exists but cannot be read (${read.reason})`);
  }
  if (read.kind === "text") {
    const value = nonBlank(read.text);
    if (value !== undefined) {
      return { value, source: { kind: "file", path: displayPath(location.cwd, conventionalFile) } };
    }
  }
  return {};
}

function unreadable(setting: SecretSetting, hint: string): SecretLookup {
  return { issue: { setting, problem: "unreadable", hint } };
}

function readTextFile(path: string): FileRead {
  try {
    return { kind: "text", text: readFileSync(path, "utf8") };
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return { kind: "absent" };
    return { kind: "unreadable", reason: code ?? "unknown error" };
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/**
 * Names a path the way an operator thinks of it: `secrets/x.txt` when under cwd,
 * absolute otherwise.
 */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
