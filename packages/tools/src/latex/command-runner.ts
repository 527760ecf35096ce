/**
 * Running the external TeX tools: a small port so tests can fake pdflatex and the PDF
 * converters, and a default implementation on `child_process.spawn`.
 */
import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** One external command to run. */
export interface CommandRequest {
  /** Absolute path, as found by a {@link ExecutableFinder}. */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The whole environment of the child (nothing is inherited implicitly). */
  readonly env: Readonly<Record<string, string>>;
  /** After this the whole process group is killed and the outcome is `timeout`. */
  readonly timeoutMs: number;
}

/** How a command ended. `output` is stdout and stderr, interleaved and truncated. */
export type CommandOutcome =
  | {
      readonly kind: "exited";
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly output: string;
    }
  | { readonly kind: "timeout"; readonly output: string }
  | { readonly kind: "not_found" };

/** Runs a command; never rejects for the command's own failures. */
export type CommandRunner = (request: CommandRequest) => Promise<CommandOutcome>;

/** Finds an executable by name like `which`, or `null`. */
export type ExecutableFinder = (name: string) => Promise<string | null>;

// pdflatex repeats its log on stdout; the log file is read separately, so keep only a tail.
const MAX_OUTPUT_CHARS = 64 * 1024;

/**
 * The default {@link CommandRunner}. The child leads its own process group (`detached`) so
 * that a timeout kills everything it started (kpathsea may run mktexpk/mktextfm to make fonts),
 * not just the direct child.
 */
export const spawnCommand: CommandRunner = (request) =>
  new Promise((resolve) => {
    let output = "";
    let timedOut = false;
    let settled = false;
    const finish = (outcome: CommandOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const child = spawn(request.command, [...request.args], {
      cwd: request.cwd,
      env: { ...request.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-MAX_OUTPUT_CHARS);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, request.timeoutMs);
    child.on("error", (error: NodeJS.ErrnoException) => {
      finish(
        error.code === "ENOENT"
          ? { kind: "not_found" }
          : { kind: "exited", exitCode: null, signal: null, output: error.message },
      );
    });
    // 'close' waits for the pipes, which a grandchild may hold open; the timer stays armed
    // until then, so a lingering grandchild is killed with the group.
    child.on("close", (exitCode, signal) => {
      finish(timedOut ? { kind: "timeout", output } : { kind: "exited", exitCode, signal, output });
    });
  });

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // A negative pid signals the whole group the detached child leads.
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/**
 * The default {@link ExecutableFinder}: what `which` does (the first executable file of that
 * name on `PATH`), without spawning a process for it.
 */
export const findOnPath: ExecutableFinder = async (name) => {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (directory === "") continue;
    const candidate = join(directory, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
};
