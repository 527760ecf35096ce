/**
 * Files the code wrote: `/tmp` is listed before and after the run, and whatever is new or
 * changed (outside `/tmp/inputs`, hidden and scratch directories) is read back. Comparing
 * with the listing before the run matters because the sandbox is reused: a chart from an
 * earlier call is still there and must not be registered again.
 */
import { posix } from "node:path";
import { FileType, type Sandbox } from "@e2b/code-interpreter";
import { INPUTS_DIR } from "./input-files.ts";
import type { ExecutePythonLimits } from "./options.ts";

/** Where outputs are looked for. */
export const OUTPUTS_ROOT = "/tmp";

/** What identifies a version of a file: a rewrite changes its size or its modification time. */
export type TmpSnapshot = ReadonlyMap<string, string>;

/** A file the code produced, read from the sandbox. */
export interface CollectedFile {
  readonly path: string;
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The files read, and notes about the ones left out (for the model). */
export interface CollectedOutputs {
  readonly files: readonly CollectedFile[];
  readonly notes: readonly string[];
}

interface RequestOptions {
  readonly requestTimeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * Scratch space of tools running in the sandbox, never results: pip's build dirs, caches of
 * matplotlib and Jupyter, Python's `tempfile` directories (`tmp` + 8 random characters).
 */
const SCRATCH_SEGMENT =
  /^(?:__pycache__|pip-.*|matplotlib-.*|jupyter.*|ipykernel.*|hsperfdata_.*|systemd-.*|tmp[a-z0-9_]{8})$/;

/** Whether a path under /tmp may hold a result of the code. */
export function isCandidateOutput(path: string): boolean {
  if (!path.startsWith(`${OUTPUTS_ROOT}/`)) return false;
  if (path === INPUTS_DIR || path.startsWith(`${INPUTS_DIR}/`)) return false;
  const segments = path.slice(OUTPUTS_ROOT.length + 1).split("/");
  const directories = segments.slice(0, -1);
  const name = segments.at(-1) ?? "";
  if (segments.some((segment) => segment.startsWith("."))) return false;
  if (directories.some((segment) => SCRATCH_SEGMENT.test(segment))) return false;
  return !/^tmp[a-z0-9_]{8}(?:\.[A-Za-z0-9]+)?$/.test(name);
}

/** The files under /tmp with their version marks. */
export async function snapshotTmp(
  sandbox: Sandbox,
  limits: ExecutePythonLimits,
  request: RequestOptions,
): Promise<Map<string, string>> {
  const entries = await sandbox.files.list(OUTPUTS_ROOT, { depth: limits.scanDepth, ...request });
  const snapshot = new Map<string, string>();
  for (const entry of entries) {
    if (entry.type !== FileType.FILE) continue;
    snapshot.set(entry.path, `${entry.size}:${entry.modifiedTime?.getTime() ?? ""}`);
  }
  return snapshot;
}

/** Reads the new and changed files, within the count and size limits, oldest path first. */
export async function collectOutputs(
  sandbox: Sandbox,
  before: TmpSnapshot,
  limits: ExecutePythonLimits,
  request: RequestOptions,
): Promise<CollectedOutputs> {
  const after = await snapshotTmp(sandbox, limits, request);
  const changed = [...after]
    .filter(([path, mark]) => before.get(path) !== mark && isCandidateOutput(path))
    .map(([path]) => path)
    .sort();
  const notes: string[] = [];
  const files: CollectedFile[] = [];
  const skipped = changed.slice(limits.maxOutputFiles);
  if (skipped.length > 0) {
    notes.push(
      `${skipped.length} more new file(s) were not registered (limit ${limits.maxOutputFiles} per call): ` +
        `${skipped.slice(0, 10).join(", ")}${skipped.length > 10 ? ", …" : ""}. Zip them or write fewer files.`,
    );
  }
  for (const path of changed.slice(0, limits.maxOutputFiles)) {
    const size = Number((after.get(path) ?? "").split(":")[0]);
    if (size > limits.maxOutputFileBytes) {
      notes.push(
        `${path} (${size} bytes) is over the ${limits.maxOutputFileBytes}-byte limit and was not registered.`,
      );
      continue;
    }
    try {
      const bytes = await sandbox.files.read(path, { format: "bytes", ...request });
      if (bytes.byteLength > limits.maxOutputFileBytes) {
        notes.push(`${path} grew over the ${limits.maxOutputFileBytes}-byte limit and was not registered.`);
        continue;
      }
      files.push({ path, name: posix.basename(path), bytes });
    } catch (error) {
      if (request.signal.aborted) throw error;
      notes.push(`${path} could not be read back from the sandbox and was not registered.`);
    }
  }
  return { files, notes };
}
