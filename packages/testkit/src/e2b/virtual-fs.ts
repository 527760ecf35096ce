import { posix } from "node:path";

/** Home of the default sandbox user; relative paths resolve against it, as envd does. */
export const HOME_DIR = "/home/user";

/** A file or directory as the fake knows it. */
export interface FsEntry {
  path: string;
  name: string;
  type: "file" | "dir";
  size: number;
  modifiedAt: number;
  metadata: Readonly<Record<string, string>>;
}

interface StoredFile {
  data: Buffer;
  modifiedAt: number;
  metadata: Readonly<Record<string, string>>;
}

/** An absolute, normalised path without a trailing slash. */
export function resolvePath(path: string): string {
  const absolute = posix.isAbsolute(path) ? path : posix.join(HOME_DIR, path);
  const normal = posix.normalize(absolute);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

/** One sandbox's filesystem: files in memory, parents created on write like envd does. */
export class VirtualFs {
  readonly #files = new Map<string, StoredFile>();
  readonly #dirs = new Set<string>(["/", "/home", HOME_DIR, "/tmp"]);
  readonly #clock: () => number;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** Writes (or overwrites) a file; fails if the path or a parent is a directory/file clash. */
  write(path: string, data: Buffer, metadata: Readonly<Record<string, string>> = {}): FsEntry {
    const target = resolvePath(path);
    if (this.#dirs.has(target)) throw new FsError("is_dir", `path is a directory: ${target}`);
    for (let dir = posix.dirname(target); ; dir = posix.dirname(dir)) {
      if (this.#files.has(dir)) throw new FsError("not_dir", `parent is a file: ${dir}`);
      this.#dirs.add(dir);
      if (dir === "/") break;
    }
    this.#files.set(target, { data, modifiedAt: this.#clock(), metadata });
    return this.#entry(target) as FsEntry;
  }

  /** A file's bytes; undefined for a directory or nothing. */
  read(path: string): Buffer | undefined {
    return this.#files.get(resolvePath(path))?.data;
  }

  /** Whether the path is a directory (explicit, or a parent of a written file). */
  isDir(path: string): boolean {
    return this.#dirs.has(resolvePath(path));
  }

  /** The file or directory at the path, or undefined. */
  stat(path: string): FsEntry | undefined {
    return this.#entry(resolvePath(path));
  }

  /** Creates a directory and its parents; false if it already existed. */
  makeDir(path: string): boolean {
    const target = resolvePath(path);
    if (this.#files.has(target)) throw new FsError("not_dir", `path is a file: ${target}`);
    if (this.#dirs.has(target)) return false;
    for (let dir = target; !this.#dirs.has(dir); dir = posix.dirname(dir)) this.#dirs.add(dir);
    return true;
  }

  /** Removes a file or a directory with everything under it; false if nothing was there. */
  remove(path: string): boolean {
    const target = resolvePath(path);
    if (this.#files.delete(target)) return true;
    if (!this.#dirs.has(target)) return false;
    const prefix = target === "/" ? "/" : `${target}/`;
    for (const file of [...this.#files.keys()]) if (file.startsWith(prefix)) this.#files.delete(file);
    for (const dir of [...this.#dirs]) if (dir === target || dir.startsWith(prefix)) this.#dirs.delete(dir);
    return true;
  }

  /** Entries under a directory down to `depth` levels, sorted by path (envd lists recursively the same way). */
  list(path: string, depth: number): FsEntry[] {
    const root = resolvePath(path);
    const prefix = root === "/" ? "/" : `${root}/`;
    const rootDepth = root === "/" ? 0 : root.split("/").length - 1;
    const entries: FsEntry[] = [];
    for (const candidate of [...this.#dirs, ...this.#files.keys()]) {
      if (!candidate.startsWith(prefix) || candidate === root) continue;
      const level = candidate.split("/").length - 1 - rootDepth;
      if (level <= depth) entries.push(this.#entry(candidate) as FsEntry);
    }
    return entries.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Every file by path (copies, so callers cannot change the sandbox). */
  snapshot(): Map<string, Buffer> {
    return new Map([...this.#files].map(([path, file]) => [path, Buffer.from(file.data)]));
  }

  #entry(path: string): FsEntry | undefined {
    const name = posix.basename(path) || "/";
    const file = this.#files.get(path);
    if (file)
      return {
        path,
        name,
        type: "file",
        size: file.data.length,
        modifiedAt: file.modifiedAt,
        metadata: file.metadata,
      };
    if (this.#dirs.has(path))
      return { path, name, type: "dir", size: 4096, modifiedAt: this.#clock(), metadata: {} };
    return undefined;
  }
}

/** Why a filesystem call failed. */
export class FsError extends Error {
  constructor(
    readonly reason: "is_dir" | "not_dir",
    message: string,
  ) {
    super(message);
    this.name = "FsError";
  }
}
