/** What is wrong with a setting. */
export type ConfigProblem = "missing" | "invalid" | "unreadable";

/** One problem with one setting; hints never contain secret values. */
export interface ConfigIssue {
  /** The env-style setting name, e.g. `OPS_PORT`. */
  readonly setting: string;
  /** What is wrong with it. */
  readonly problem: ConfigProblem;
  /** How to fix it, or what was expected instead. */
  readonly hint: string;
}

/**
 * Thrown by {@link loadConfig} when any setting is missing or invalid. It lists
 * every issue at once so an operator fixes the deployment in one round trip.
 * The message has one line per issue, e.g.
 * `OPS_PORT is invalid: expected an integer 0-65535, got "abc"`.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Every problem found, in the order the settings are declared. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(formatConfigIssue).join("\n"));
    this.issues = Object.freeze([...issues]);
  }
}

/** Renders one issue as `SETTING is problem: hint`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.setting} is ${issue.problem}: ${issue.hint}`;
}

/**
 * Renders an error thrown at startup for a human at a terminal. A
 * {@link ConfigError} becomes a headed bullet list; anything else falls back to
 * its name and message so a CLI can use this for every startup failure.
 */
export function formatConfigError(error: unknown): string {
  if (!(error instanceof ConfigError)) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const count = error.issues.length;
  const heading = `Configuration is invalid (${count} ${count === 1 ? "problem" : "problems"}):`;
  const lines = error.issues.map((issue) => `  - ${formatConfigIssue(issue)}`);
  const footer = "See secrets/README.md for where each secret can be provided.";
  return [heading, ...lines, footer].join("\n");
}
