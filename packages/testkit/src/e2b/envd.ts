import { gunzipSync } from "node:zlib";
import { sendJson } from "../shared/http-io.ts";
import type { E2BExchange, E2BState } from "./exchange.ts";
import type { LiveSandbox } from "./sandbox-registry.ts";
import { type FsEntry, FsError, resolvePath } from "./virtual-fs.ts";

/** envd's error body: `{code, message}` (the SDK maps 404 to FileNotFoundError, 400 to InvalidArgumentError). */
function sendEnvdError(exchange: E2BExchange, code: number, message: string): void {
  sendJson(exchange.res, code, { code, message });
}

/** The `EntryInfo` schema the upload answers with. */
function uploadedJson(entry: FsEntry): Record<string, unknown> {
  return {
    name: entry.name,
    type: "file",
    path: entry.path,
    ...(Object.keys(entry.metadata).length > 0 ? { metadata: entry.metadata } : {}),
  };
}

/** `X-Metadata-<key>` headers of an upload (envd ≥ 0.6.2 stores them as extended attributes). */
function metadataFrom(headers: Readonly<Record<string, string>>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith("x-metadata-")) metadata[name.slice("x-metadata-".length)] = value;
  }
  return metadata;
}

function readFile(exchange: E2BExchange, sandbox: LiveSandbox): void {
  const path = exchange.record.query.path;
  if (!path) {
    sendEnvdError(exchange, 400, "path is required");
    return;
  }
  if (sandbox.fs.isDir(path)) {
    sendEnvdError(exchange, 400, `path '${resolvePath(path)}' is a directory`);
    return;
  }
  const data = sandbox.fs.read(path);
  if (!data) {
    sendEnvdError(exchange, 404, `file '${resolvePath(path)}' does not exist`);
    return;
  }
  exchange.res.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": String(data.length),
    "content-disposition": `attachment; filename=${JSON.stringify(resolvePath(path).split("/").pop() ?? "")}`,
  });
  exchange.res.end(data);
}

/** The files of an upload: multipart parts named `file` (filename = path) or one octet-stream body. */
async function uploadedFiles(exchange: E2BExchange): Promise<{ path: string; data: Buffer }[] | string> {
  const { headers, query } = exchange.record;
  const type = headers["content-type"] ?? "";
  if (type.startsWith("multipart/form-data")) {
    // The platform's multipart parser; the SDK builds the body with FormData.
    const form = await new Response(exchange.body, { headers: { "content-type": type } }).formData();
    const files: { path: string; data: Buffer }[] = [];
    for (const part of form.getAll("file")) {
      if (typeof part === "string") return "multipart part 'file' must be a file";
      const path = query.path || part.name;
      if (!path) return "a file has no path";
      files.push({ path, data: Buffer.from(await part.arrayBuffer()) });
    }
    return files;
  }
  if (type.startsWith("application/octet-stream")) {
    if (!query.path) return "path is required for an octet-stream upload";
    const gzip = headers["content-encoding"] === "gzip";
    return [{ path: query.path, data: gzip ? gunzipSync(exchange.body) : exchange.body }];
  }
  return `unsupported content type '${type}'`;
}

async function writeFiles(exchange: E2BExchange, sandbox: LiveSandbox): Promise<void> {
  const files = await uploadedFiles(exchange);
  if (typeof files === "string") return sendEnvdError(exchange, 400, files);
  if (files.length === 0) return sendEnvdError(exchange, 400, "no file in the upload");
  const metadata = metadataFrom(exchange.record.headers);
  const written: Record<string, unknown>[] = [];
  for (const file of files) {
    try {
      written.push(uploadedJson(sandbox.fs.write(file.path, file.data, metadata)));
    } catch (error) {
      if (error instanceof FsError) return sendEnvdError(exchange, 400, error.message);
      throw error;
    }
  }
  sendJson(exchange.res, 200, written);
}

/**
 * envd's REST side: `GET /health` (204), `GET /files?path=` (download) and `POST /files?path=` (multipart
 * or octet-stream upload, gzip allowed). `username` is accepted and ignored: every path resolves against
 * /home/user and there are no permissions.
 */
export async function answerEnvdRest(
  exchange: E2BExchange,
  _state: E2BState,
  sandbox: LiveSandbox,
): Promise<void> {
  const { method, path } = exchange.record;
  if (path === "/health" && method === "GET") {
    exchange.res.writeHead(204).end();
  } else if (path === "/files" && method === "GET") {
    readFile(exchange, sandbox);
  } else if (path === "/files" && method === "POST") {
    await writeFiles(exchange, sandbox);
  } else {
    sendEnvdError(exchange, 404, `fake e2b envd does not model ${method} ${path}`);
  }
}
