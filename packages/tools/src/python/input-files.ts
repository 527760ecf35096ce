/** The thread files the model asked for, read and named for `/tmp/inputs`. */
import { posix } from "node:path";
import type { ToolRunContext } from "@bot/actors";
import type { Sandbox } from "@e2b/code-interpreter";
import type { ExecutePythonLimits } from "./options.ts";

/** Where input files go in the sandbox. */
export const INPUTS_DIR = "/tmp/inputs";

/** One thread file, read, with its path in the sandbox. */
export interface PreparedInput {
  readonly fileId: string;
  readonly name: string;
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** The inputs, or why they cannot be had (the model gave a wrong id, a file is too large...). */
export type PreparedInputs =
  | { readonly ok: true; readonly inputs: readonly PreparedInput[] }
  | { readonly ok: false; readonly message: string };

const MAX_NAME_CHARS = 100;

/**
 * A file name safe to put in a path and easy to type in code: letters (any script), digits,
 * `.`, `_`, `-`; everything else becomes `_`. No leading dot (hidden files are skipped when
 * outputs are collected), at most 100 characters with the extension kept, and made unique
 * among `taken` with a `_2`, `_3`... suffix.
 */
export function safeFileName(name: string, taken: ReadonlySet<string>, fallback: string): string {
  const base = posix.basename(name.replaceAll("\\", "/"));
  let clean = base.replace(/[^\p{L}\p{N}._-]+/gu, "_").replace(/^[._]+/, "");
  if (clean === "" || /^[._-]*$/.test(clean)) clean = fallback;
  const dot = clean.lastIndexOf(".");
  const extension = dot > 0 && clean.length - dot <= 12 ? clean.slice(dot) : "";
  const stem = clean.slice(0, clean.length - extension.length).slice(0, MAX_NAME_CHARS - extension.length);
  let candidate = `${stem}${extension}`;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${stem}_${n}${extension}`;
  return candidate;
}

/** Finds and reads the requested thread files; checks count and size before downloading anything. */
export async function prepareInputs(
  fileIds: readonly string[],
  ctx: ToolRunContext,
  limits: ExecutePythonLimits,
): Promise<PreparedInputs> {
  const ids = [...new Set(fileIds)];
  if (ids.length > limits.maxInputFiles) {
    return {
      ok: false,
      message: `At most ${limits.maxInputFiles} input files per call; ${ids.length} were given.`,
    };
  }
  const known = ctx.files.list();
  const taken = new Set<string>();
  const planned: { fileId: string; name: string }[] = [];
  for (const [index, fileId] of ids.entries()) {
    const file = known.find((candidate) => candidate.fileId === fileId);
    if (!file) {
      return {
        ok: false,
        message: `There is no file ${JSON.stringify(fileId)} in this conversation; use the file_id of a file listed in the conversation.`,
      };
    }
    if (file.sizeBytes > limits.maxInputFileBytes) {
      return {
        ok: false,
        message: `${file.name} has ${file.sizeBytes} bytes; input files are limited to ${limits.maxInputFileBytes} bytes.`,
      };
    }
    const name = safeFileName(file.name, taken, `input_${index + 1}`);
    taken.add(name);
    planned.push({ fileId, name });
  }
  const inputs: PreparedInput[] = [];
  for (const { fileId, name } of planned) {
    let bytes: Buffer;
    try {
      bytes = await ctx.files.read(fileId);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, message: `The file ${fileId} could not be read: ${reason.slice(0, 200)}` };
    }
    inputs.push({ fileId, name, path: `${INPUTS_DIR}/${name}`, bytes });
  }
  return { ok: true, inputs };
}

/** Uploads the inputs to `/tmp/inputs` in one request. */
export async function uploadInputs(
  sandbox: Sandbox,
  inputs: readonly PreparedInput[],
  requestTimeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  if (inputs.length === 0) return;
  await sandbox.files.write(
    // A copy into a fresh ArrayBuffer: a Buffer may be a view into Node's shared pool.
    inputs.map((input) => ({ path: input.path, data: new Uint8Array(input.bytes).buffer })),
    { requestTimeoutMs, signal },
  );
}
