import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A throwaway working directory with helpers to drop secret files into it. */
export interface TempDir {
  readonly path: string;
  /** Writes `contents` to `relativePath` under the temp dir, creating parents. */
  write(relativePath: string, contents: string): string;
  remove(): void;
}

export function makeTempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), "bot-config-"));
  return {
    path,
    write(relativePath, contents) {
      const file = join(path, relativePath);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, contents);
      return file;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
