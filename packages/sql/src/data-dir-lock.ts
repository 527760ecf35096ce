import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Name of the lock file inside a data directory. */
export const LOCK_FILE = "bot.lock";

/** What a lock file says about the process holding it. */
export interface LockInfo {
  readonly pid: number;
  readonly since: string;
  readonly [key: string]: unknown;
}

/** Thrown when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `the data directory ${dataDir} is in use by process ${holder.pid} (since ${holder.since}); ` +
        "stop it first, or use its ops endpoint",
    );
  }
}

/** A held lock: `update` adds facts (e.g. the ops URL), `release` removes the file. */
export interface DataDirLock {
  readonly path: string;
  update(info: Readonly<Record<string, unknown>>): void;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Reads the lock file of `dataDir`, or null when there is none or its holder is dead. */
export function readLiveLock(dataDir: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8")) as LockInfo;
    return typeof info.pid === "number" && isAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

let attempts = 0;

/**
 * Creates `path` with `content` only if it does not exist (EEXIST otherwise). The
 * content is written to a private file first and hard-linked into place, so the
 * lock file never exists half-written: with a plain O_EXCL create, a second
 * process could read the still-empty file, take it for a stale lock, delete it and
 * win as well.
 */
function createExclusive(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.${++attempts}.new`;
  writeFileSync(temporary, content);
  try {
    linkSync(temporary, path);
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * Takes the data directory for this process. A lock left by a dead process is
 * taken over; a live holder raises {@link DataDirLockedError}. The file appears
 * atomically and complete (see {@link createExclusive}), so two processes starting
 * at once cannot both win.
 */
export function lockDataDir(dataDir: string, info: Readonly<Record<string, unknown>>): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  let current: LockInfo = { ...info, pid: process.pid, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      createExclusive(path, JSON.stringify(current));
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        try {
          const onDisk = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
          if (onDisk.pid === process.pid) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.on("exit", release);
      return {
        path,
        update(extra) {
          // After release the file may belong to another process now: leave it alone.
          if (released) return;
          current = { ...current, ...extra, pid: process.pid, since: current.since };
          const temporary = `${path}.${process.pid}.tmp`;
          writeFileSync(temporary, JSON.stringify(current));
          renameSync(temporary, path);
        },
        release,
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readLiveLock(dataDir);
      if (holder) throw new DataDirLockedError(dataDir, holder);
      // Stale lock from a dead process: remove it and try again.
      try {
        unlinkSync(path);
      } catch {
        // Another process removed it first; retry decides.
      }
    }
  }
  throw new Error(`could not lock ${dataDir}: the lock file keeps changing`);
}
