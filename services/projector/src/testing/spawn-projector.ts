import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const main = join(dirname(fileURLToPath(import.meta.url)), "..", "main.ts");
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

/** A projector process started by a test. */
export interface SpawnedProjector {
  readonly child: ChildProcess;
  /** Its ops server, e.g. `http://127.0.0.1:41234`. */
  readonly opsUrl: string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** The test runner's environment minus store selection (the caller sets its own). */
export function environmentWithoutStore(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, EVENTSTORE_URL: _eventstore, DATA_DIR: _data, ...rest } = process.env;
  return rest;
}

/**
 * Starts the real projector (`node --import tsx`, not the tsx CLI, so signals such
 * as SIGKILL reach the projector itself) with `env` on top of the runner's
 * environment minus store settings, on an ephemeral ops port; resolves once it
 * logs "projector started".
 */
export function spawnProjector(env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedProjector> {
  const child = spawn(process.execPath, ["--import", "tsx", main], {
    cwd: root,
    env: { ...environmentWithoutStore(), OPS_PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`projector did not start: ${stderr.join("")}`));
    }, timeoutMs);
    void exited.then((code) => reject(new Error(`projector exited with ${code}: ${stderr.join("")}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; ops?: string };
        if (entry.msg === "projector started" && entry.ops) {
          clearTimeout(timer);
          resolve({ child, opsUrl: entry.ops, exited });
        }
      } catch {
        // Not a log line.
      }
    });
  });
}
