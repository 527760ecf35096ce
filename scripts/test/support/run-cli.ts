import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { environmentWithoutStore } from "@bot/projector/testing";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** How a CLI run ended. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `scripts/src/<script>.ts` as the operator would (`node --import tsx`), with the
 * runner's environment minus every store setting, plus `env`.
 */
export function runScript(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<CliResult> {
  const { EVENTSTORE_SCHEMA: _schema, ...inherited } = environmentWithoutStore();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(root, "scripts", "src", `${script}.ts`), ...args],
    {
      cwd: root,
      env: { ...inherited, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}
