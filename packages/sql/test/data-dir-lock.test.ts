import { type ChildProcess, spawn } from "node:child_process";
import fs, { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type DataDirLock,
  DataDirLockedError,
  LOCK_FILE,
  type LockInfo,
  lockDataDir,
  readLiveLock,
} from "../src/index.ts";

const LOCK_MODULE = pathToFileURL(fileURLToPath(new URL("../src/data-dir-lock.ts", import.meta.url))).href;
const TSX_LOADER = pathToFileURL(
  fileURLToPath(new URL("../../../node_modules/tsx/dist/loader.mjs", import.meta.url)),
).href;

let dir: string;
const held: DataDirLock[] = [];
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "data-dir-lock-"));
});

afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

function lock(info: Record<string, unknown> = {}): DataDirLock {
  const taken = lockDataDir(dir, info);
  held.push(taken);
  return taken;
}

function lockFile(): LockInfo {
  return JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as LockInfo;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn a child process");
  await exited(child);
  return pid;
}

/** A node process that stays alive until killed. */
function liveProcess(): ChildProcess & { pid: number } {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  children.push(child);
  if (child.pid === undefined) throw new Error("could not spawn a child process");
  return child as ChildProcess & { pid: number };
}

/** Runs an ES module body in a child node (with tsx) where `lockDataDir` is imported. */
function runLockScript(body: string, args: readonly string[] = []): ChildProcess {
  const script = `import { lockDataDir, DataDirLockedError } from ${JSON.stringify(LOCK_MODULE)};\n${body}`;
  const child = spawn(
    process.execPath,
    ["--import", TSX_LOADER, "--input-type=module", "-e", script, "--", ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  return child;
}

function output(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    child.stdout?.on("data", (chunk) => {
      text += String(chunk);
    });
    child.stderr?.on("data", (chunk) => {
      text += String(chunk);
    });
    child.once("exit", () => resolve(text.trim()));
  });
}

describe("given an empty data directory", () => {
  it("when it is locked, then the lock file names this process, the time and the given facts", () => {
    const before = Date.now();
    const taken = lock({ opsUrl: "http://127.0.0.1:9000" });
    expect(taken.path).toBe(join(dir, LOCK_FILE));
    const info = lockFile();
    expect(info.pid).toBe(process.pid);
    expect(info.opsUrl).toBe("http://127.0.0.1:9000");
    expect(Date.parse(info.since)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(info.since)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("when the given facts contain pid or since, then the real pid wins", () => {
    lock({ pid: 1, since: "long ago" });
    const info = lockFile();
    expect(info.pid).toBe(process.pid);
    expect(info.since).not.toBe("long ago");
  });

  it("when there is no lock file, then readLiveLock returns null", () => {
    expect(readLiveLock(dir)).toBeNull();
  });

  it("when the directory does not exist, then locking fails with the file system error", () => {
    expect(() => lockDataDir(join(dir, "missing"), {})).toThrow(/ENOENT/);
  });
});

describe("given a data directory locked by this process", () => {
  it("when it is locked again, then DataDirLockedError names this process as the holder", () => {
    const first = lock({ role: "first" });
    let caught: unknown;
    try {
      lock();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DataDirLockedError);
    const error = caught as DataDirLockedError;
    expect(error.dataDir).toBe(dir);
    expect(error.holder.pid).toBe(process.pid);
    expect(error.holder.role).toBe("first");
    expect(error.message).toContain(String(process.pid));
    // The failed attempt leaves the holder's file alone.
    expect(lockFile().role).toBe("first");
    expect(existsSync(first.path)).toBe(true);
  });

  it("when readLiveLock is asked, then it returns what the file says", () => {
    lock({ opsUrl: "http://x" });
    expect(readLiveLock(dir)).toEqual(lockFile());
    expect(readLiveLock(dir)?.pid).toBe(process.pid);
  });

  it("when the lock is released, then the file is gone and the directory can be locked again", () => {
    const first = lock();
    first.release();
    expect(existsSync(first.path)).toBe(false);
    expect(readLiveLock(dir)).toBeNull();
    first.release(); // twice is harmless
    const second = lock({ role: "second" });
    expect(lockFile().role).toBe("second");
    expect(existsSync(second.path)).toBe(true);
  });

  it("when the lock file was taken over by another process, then release leaves it alone", () => {
    const first = lock();
    const other = { pid: process.pid + 100_000, since: new Date().toISOString() };
    writeFileSync(first.path, JSON.stringify(other));
    first.release();
    expect(lockFile()).toEqual(other);
  });

  it("when a lock is taken and released, then no exit listener is left behind", () => {
    const before = process.listenerCount("exit");
    const taken = lock();
    expect(process.listenerCount("exit")).toBe(before + 1);
    taken.release();
    expect(process.listenerCount("exit")).toBe(before);
  });

  it("when update is called, then the facts are merged and pid and since are kept", () => {
    const taken = lock({ a: 1, keep: "yes" });
    const since = lockFile().since;
    taken.update({ a: 2, opsUrl: "http://127.0.0.1:1234" });
    taken.update({ b: true, pid: 1, since: "never" });
    expect(lockFile()).toEqual({
      a: 2,
      keep: "yes",
      opsUrl: "http://127.0.0.1:1234",
      b: true,
      pid: process.pid,
      since,
    });
    expect(readLiveLock(dir)).toEqual(lockFile());
    // The temporary file of the atomic rename is gone.
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });
});

describe("given a lock file left by a process that is gone", () => {
  it("when the directory is locked, then the stale lock is taken over", async () => {
    const pid = await deadPid();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, since: "2020-01-01T00:00:00.000Z" }));
    expect(readLiveLock(dir)).toBeNull();
    lock({ role: "new" });
    expect(lockFile().pid).toBe(process.pid);
    expect(lockFile().role).toBe("new");
  });

  it.each([
    ["is empty", ""],
    ["is not JSON", "{not json"],
    ["has no pid", JSON.stringify({ since: "x" })],
    ["has a text pid", JSON.stringify({ pid: String(process.pid), since: "x" })],
  ])("when the lock file %s, then it counts as stale and is taken over", (_label, content) => {
    writeFileSync(join(dir, LOCK_FILE), content);
    expect(readLiveLock(dir)).toBeNull();
    lock();
    expect(lockFile().pid).toBe(process.pid);
  });

  it("when a child process locks and exits normally, then its exit handler removes the file", async () => {
    const child = runLockScript(`lockDataDir(process.argv[1], { child: true }); console.log("locked");`, [
      dir,
    ]);
    const text = await output(child);
    expect(text).toBe("locked");
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("when a child holding the lock is killed, then its lock is stale and this process takes over", async () => {
    const child = runLockScript(
      `lockDataDir(process.argv[1], {}); console.log("locked"); setInterval(() => {}, 1000);`,
      [dir],
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once("data", () => resolve());
      child.once("exit", () => reject(new Error("child exited before locking")));
    });
    expect(readLiveLock(dir)?.pid).toBe(child.pid);
    expect(() => lock()).toThrow(DataDirLockedError);
    child.kill("SIGKILL");
    await exited(child);
    // SIGKILL skips exit handlers: the file is still there, but its holder is dead.
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    expect(readLiveLock(dir)).toBeNull();
    lock();
    expect(lockFile().pid).toBe(process.pid);
  });
});

describe("given a lock file held by another live process", () => {
  it("when this process tries to lock, then DataDirLockedError names that process until it exits", async () => {
    const other = liveProcess();
    const info = { pid: other.pid, since: "2024-01-01T00:00:00.000Z", opsUrl: "http://other" };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(info));
    expect(readLiveLock(dir)).toEqual(info);
    let caught: unknown;
    try {
      lock();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DataDirLockedError);
    expect((caught as DataDirLockedError).holder).toEqual(info);
    expect(lockFile()).toEqual(info);

    other.kill();
    await exited(other);
    expect(readLiveLock(dir)).toBeNull();
    lock();
    expect(lockFile().pid).toBe(process.pid);
  });

  it("when several processes start at once, then exactly one of them gets the lock", async () => {
    // Winners hold the lock for a while so that a late starter cannot win after a release.
    const startAt = Date.now() + 1500;
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        output(
          runLockScript(
            `const startAt = Number(process.argv[2]);
             while (Date.now() < startAt) {}
             try {
               const lock = lockDataDir(process.argv[1], {});
               console.log("won");
               setTimeout(() => lock.release(), 2000);
             } catch (error) {
               console.log(error instanceof DataDirLockedError ? "locked-out" : String(error));
             }`,
            [dir, String(startAt)],
          ),
        ),
      ),
    );
    expect(results.filter((result) => result === "won")).toHaveLength(1);
    expect(results.filter((result) => result === "locked-out")).toHaveLength(5);
  }, 20_000);

  it("when a second starter looks at the very moment the lock file appears, then exactly one of them holds it", () => {
    // Deterministic version of the race above: fs calls are intercepted so that a
    // competing lockDataDir runs at the earliest instant the lock file exists. With
    // writeFileSync(..., { flag: "wx" }) that instant is after the exclusive create
    // and before the content is written.
    const path = join(dir, LOCK_FILE);
    const original = { writeFileSync: fs.writeFileSync, linkSync: fs.linkSync };
    let armed = true;
    let competitor: string | undefined;
    const compete = () => {
      if (!armed) return;
      armed = false;
      try {
        held.push(lockDataDir(dir, { who: "competitor" }));
        competitor = "won";
      } catch (error) {
        competitor = error instanceof DataDirLockedError ? "locked-out" : String(error);
      }
    };
    const patchedWrite = (file: unknown, data: unknown, options?: unknown) => {
      const flag =
        typeof options === "object" && options !== null ? (options as { flag?: string }).flag : undefined;
      if (armed && file === path && flag === "wx") {
        const fd = fs.openSync(path, "wx");
        try {
          compete();
          fs.writeSync(fd, String(data));
        } finally {
          fs.closeSync(fd);
        }
        return;
      }
      (original.writeFileSync as (...args: unknown[]) => void)(file, data, options);
    };
    const patchedLink = (existing: fs.PathLike, target: fs.PathLike) => {
      original.linkSync(existing, target);
      if (target === path) compete();
    };
    let first: string;
    try {
      fs.writeFileSync = patchedWrite as typeof fs.writeFileSync;
      fs.linkSync = patchedLink as typeof fs.linkSync;
      syncBuiltinESMExports();
      try {
        held.push(lockDataDir(dir, { who: "first" }));
        first = "won";
      } catch (error) {
        first = error instanceof DataDirLockedError ? "locked-out" : String(error);
      }
    } finally {
      fs.writeFileSync = original.writeFileSync;
      fs.linkSync = original.linkSync;
      syncBuiltinESMExports();
    }
    // The interception must have fired, or this test checks nothing.
    expect(competitor).toBeDefined();
    expect([first, competitor].sort()).toEqual(["locked-out", "won"]);
    expect(lockFile().who).toBe(first === "won" ? "first" : "competitor");
  });
});
