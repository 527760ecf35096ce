import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FileStore } from "@bot/actors";

/**
 * File bytes on disk, content-addressed (`<dir>/<aa>/<sha256>`): a file stored twice is
 * one file, and a write is atomic (written aside, then renamed), so a crash never leaves
 * a torn file under its hash. One process writes it (one bot per data directory).
 */
export class DiskFileStore implements FileStore {
  constructor(private readonly dir: string) {}

  #path(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const path = this.#path(sha256);
    await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
    return sha256;
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    try {
      return await readFile(this.#path(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }
}
