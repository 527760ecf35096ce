import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BotApiError } from "./bot-api-error.ts";
import type { RegisteredMethod } from "./builtin-methods.ts";
import type { CallLog } from "./call-log.ts";
import type { FakeBotApi } from "./fake-bot-api.ts";
import type { FakeWorld } from "./fake-world.ts";
import type { FaultPlan } from "./fault-plan.ts";
import { readRequestParams } from "./request-params.ts";
import type { ApiResponseBody, Fault, RecordedCall } from "./types.ts";

/** Telegram accepts uploads of up to 50 MB; a little slack for the multipart framing. */
const MAX_BODY_BYTES = 51 * 1024 * 1024;

/** What the HTTP layer needs from the fake. */
export interface BotApiServerDeps {
  token: string;
  world: FakeWorld;
  methods: Map<string, RegisteredMethod>;
  faults: FaultPlan;
  log: CallLog;
  fake: FakeBotApi;
}

/** A listening fake Bot API server. */
export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

/**
 * Serves `/bot<token>/<method>` and `/file/bot<token>/<file_path>` with node:http on
 * 127.0.0.1, answering like api.telegram.org: JSON `{ ok, result }` or
 * `{ ok: false, error_code, description, parameters? }` with `error_code` as HTTP status.
 */
export async function startBotApiServer(deps: BotApiServerDeps, port: number): Promise<RunningServer> {
  const server = createServer((req, res) => {
    handleRequest(deps, req, res).catch((error: unknown) => {
      sendJson(res, 500, {
        ok: false,
        error_code: 500,
        description: `Internal Server Error: ${String(error)}`,
      });
    });
  });
  // Longer than grammY's idle keep-alive sockets live, so the server never closes one mid-reuse.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Give answers already being written (ended long polls) a moment before cutting sockets.
    setImmediate(() => server.closeAllConnections());
  });
}

async function handleRequest(
  deps: BotApiServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake.invalid");
  const path = safeDecode(url.pathname);
  const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
  if (file !== null) {
    serveFile(deps, file[1] ?? "", file[2] ?? "", res);
    return;
  }
  const call = /^\/bot([^/]+)\/(?:test\/)?([^/]+?)\/?$/.exec(path);
  if (call === null) {
    sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    return;
  }
  if (call[1] !== deps.token) {
    sendJson(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    return;
  }
  const at = Date.now();
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    res.setHeader("connection", "close");
    sendJson(res, 413, { ok: false, error_code: 413, description: "Request Entity Too Large" });
    return;
  }
  await answerCall(deps, call[2] ?? "", req, body, url.searchParams, at, res);
}

async function answerCall(
  deps: BotApiServerDeps,
  requested: string,
  req: IncomingMessage,
  body: Buffer,
  query: URLSearchParams,
  at: number,
  res: ServerResponse,
): Promise<void> {
  const clientGone = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) clientGone.abort();
  });
  const registered = deps.methods.get(requested.toLowerCase());
  const method = registered?.name ?? requested;
  let params: Record<string, unknown> = {};
  const finish = (response: ApiResponseBody, fault?: Fault["kind"]): void => {
    sendJson(res, response.ok ? 200 : (response.error_code ?? 500), response);
    deps.log.add(record(method, params, at, response, fault));
  };
  let parsed: ReturnType<typeof readRequestParams>;
  try {
    parsed = readRequestParams(req.headers["content-type"] ?? "", body, query);
  } catch (error) {
    finish(errorBody(error));
    return;
  }
  params = parsed.params;
  if (registered === undefined) {
    finish({ ok: false, error_code: 404, description: "Not Found" });
    return;
  }

  const fault = deps.faults.take(method, params);
  if (fault !== undefined && fault.kind !== "delay") {
    if (fault.kind === "drop") {
      deps.log.add(
        record(method, params, at, { ok: false, description: "connection dropped by fault" }, "drop"),
      );
      req.socket.destroy();
      return;
    }
    finish(faultBody(fault), fault.kind);
    return;
  }
  if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));

  try {
    const result = await registered.handler(params, {
      method,
      world: deps.world,
      fake: deps.fake,
      uploads: parsed.uploads,
      signal: clientGone.signal,
    });
    finish({ ok: true, result }, fault?.kind);
  } catch (error) {
    finish(errorBody(error), fault?.kind);
  }
}

function record(
  method: string,
  params: Record<string, unknown>,
  at: number,
  response: ApiResponseBody,
  fault: Fault["kind"] | undefined,
): RecordedCall {
  return { method, params, at, response, ...(fault === undefined ? {} : { fault }) };
}

function errorBody(error: unknown): ApiResponseBody {
  if (error instanceof BotApiError) {
    return {
      ok: false,
      error_code: error.code,
      description: error.description,
      ...(error.parameters === undefined ? {} : { parameters: error.parameters }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error_code: 500, description: `Internal Server Error: ${message}` };
}

const SERVER_ERRORS = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
} as const;

function faultBody(fault: Exclude<Fault, { kind: "delay" } | { kind: "drop" }>): ApiResponseBody {
  switch (fault.kind) {
    case "retry_after":
      return {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${fault.seconds}`,
        parameters: { retry_after: fault.seconds },
      };
    case "bad_request":
      return { ok: false, error_code: 400, description: fault.description };
    case "api_error":
      return {
        ok: false,
        error_code: fault.code,
        description: fault.description,
        ...(fault.parameters === undefined ? {} : { parameters: fault.parameters }),
      };
    case "server_error": {
      const status = fault.status ?? 500;
      return { ok: false, error_code: status, description: SERVER_ERRORS[status] };
    }
  }
}

function serveFile(deps: BotApiServerDeps, token: string, filePath: string, res: ServerResponse): void {
  if (token !== deps.token) {
    sendJson(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    return;
  }
  const file = deps.world.files.byPath(filePath);
  if (file === undefined) {
    sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    return;
  }
  res.writeHead(200, {
    "content-type": file.mimeType ?? "application/octet-stream",
    "content-length": file.bytes.length,
  });
  res.end(file.bytes);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
