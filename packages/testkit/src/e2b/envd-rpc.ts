import { sendJson } from "../shared/http-io.ts";
import type { E2BExchange } from "./exchange.ts";
import type { LiveSandbox } from "./sandbox-registry.ts";
import { type FsEntry, FsError } from "./virtual-fs.ts";

/** Connect error codes the fake uses, with the HTTP status the Connect protocol pairs them with. */
const CONNECT_STATUS = {
  invalid_argument: 400,
  unauthenticated: 401,
  not_found: 404,
  already_exists: 409,
  unimplemented: 501,
} as const;

type ConnectCode = keyof typeof CONNECT_STATUS;

/** A unary Connect error: the status, and `{code, message}` as JSON (the client parses it as a wire error). */
export function sendConnectError(exchange: E2BExchange, code: ConnectCode, message: string): void {
  sendJson(exchange.res, CONNECT_STATUS[code], { code, message });
}

/** Go's `fs.ModeDir` bit, which envd passes through in `mode`. */
const MODE_DIR = 0x8000_0000;

/** `filesystem.EntryInfo` in proto3 JSON (enum names, int64 as string, RFC 3339 timestamps). */
function entryJson(entry: FsEntry): Record<string, unknown> {
  const dir = entry.type === "dir";
  return {
    name: entry.name,
    type: dir ? "FILE_TYPE_DIRECTORY" : "FILE_TYPE_FILE",
    path: entry.path,
    size: String(entry.size),
    // Added, not OR-ed: a JS bitwise OR would turn the high bit into a negative number.
    mode: dir ? MODE_DIR + 0o755 : 0o644,
    permissions: dir ? "drwxr-xr-x" : "-rw-r--r--",
    owner: "user",
    group: "user",
    modifiedTime: new Date(entry.modifiedAt).toISOString(),
    ...(Object.keys(entry.metadata).length > 0 ? { metadata: entry.metadata } : {}),
  };
}

function stringField(body: unknown, name: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

function listDir(exchange: E2BExchange, sandbox: LiveSandbox): void {
  const { body } = exchange.record;
  const path = stringField(body, "path") ?? "";
  const depthValue =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>).depth : undefined;
  const depth = typeof depthValue === "number" && depthValue > 0 ? depthValue : 1;
  if (!sandbox.fs.stat(path)) {
    sendConnectError(exchange, "not_found", `directory '${path}' does not exist`);
    return;
  }
  if (!sandbox.fs.isDir(path)) {
    sendConnectError(exchange, "invalid_argument", `path '${path}' is not a directory`);
    return;
  }
  sendJson(exchange.res, 200, { entries: sandbox.fs.list(path, depth).map(entryJson) });
}

function stat(exchange: E2BExchange, sandbox: LiveSandbox): void {
  const path = stringField(exchange.record.body, "path") ?? "";
  const entry = sandbox.fs.stat(path);
  if (!entry) {
    sendConnectError(exchange, "not_found", `path '${path}' does not exist`);
    return;
  }
  sendJson(exchange.res, 200, { entry: entryJson(entry) });
}

function makeDir(exchange: E2BExchange, sandbox: LiveSandbox): void {
  const path = stringField(exchange.record.body, "path") ?? "";
  let created: boolean;
  try {
    created = sandbox.fs.makeDir(path);
  } catch (error) {
    if (error instanceof FsError) {
      sendConnectError(exchange, "invalid_argument", error.message);
      return;
    }
    throw error;
  }
  if (!created) {
    sendConnectError(exchange, "already_exists", `directory '${path}' already exists`);
    return;
  }
  sendJson(exchange.res, 200, { entry: entryJson(sandbox.fs.stat(path) as FsEntry) });
}

function remove(exchange: E2BExchange, sandbox: LiveSandbox): void {
  const path = stringField(exchange.record.body, "path") ?? "";
  if (!sandbox.fs.remove(path)) {
    sendConnectError(exchange, "not_found", `path '${path}' does not exist`);
    return;
  }
  sendJson(exchange.res, 200, {});
}

/**
 * envd's Connect RPC filesystem service, JSON codec (the SDK uses `useBinaryFormat: false`):
 * `ListDir` (for `files.list`), `Stat` (`files.exists`/`getInfo`), `MakeDir`, `Remove`. Watching,
 * `Move` and the whole `process.Process` service (`commands.run`) answer `unimplemented`.
 */
export function answerEnvdRpc(exchange: E2BExchange, sandbox: LiveSandbox): void {
  const { path, method } = exchange.record;
  if (method !== "POST") {
    sendConnectError(exchange, "unimplemented", `${method} ${path}`);
    return;
  }
  switch (path) {
    case "/filesystem.Filesystem/ListDir":
      listDir(exchange, sandbox);
      return;
    case "/filesystem.Filesystem/Stat":
      stat(exchange, sandbox);
      return;
    case "/filesystem.Filesystem/MakeDir":
      makeDir(exchange, sandbox);
      return;
    case "/filesystem.Filesystem/Remove":
      remove(exchange, sandbox);
      return;
    default:
      sendConnectError(exchange, "unimplemented", `fake e2b envd does not model ${path}`);
      return;
  }
}
