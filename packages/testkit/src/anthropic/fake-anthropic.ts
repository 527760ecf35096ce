import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type BodyBytes, flattenHeaders, parseJsonObject, readBodyBytes } from "../shared/http-io.ts";
import { answerCountTokens } from "./count-tokens-endpoint.ts";
import type { Exchange, FakeState } from "./exchange.ts";
import { referencedFileIds } from "./file-references.ts";
import { FileStore } from "./file-store.ts";
import { answerFiles, filesCall, MULTIPART_OVERHEAD_BYTES } from "./files-endpoint.ts";
import { FilesFaultPlan } from "./files-fault-plan.ts";
import { filesHelper } from "./files-helper.ts";
import { sendApiError, sendFakeFailure } from "./http-replies.ts";
import { fakeId } from "./ids.ts";
import { answerMessages } from "./messages-endpoint.ts";
import { multipartBoundary } from "./read-request.ts";
import { type LiveRecordedRequest, RequestLog } from "./request-log.ts";
import { ScriptSource } from "./script-source.ts";
import { estimateInputTokens } from "./token-estimate.ts";
import type { FakeAnthropic, FakeAnthropicOptions } from "./types.ts";

const DEFAULT_WAIT_MS = 5_000;
/** The Files API's per-file limit. */
const DEFAULT_MAX_FILE_BYTES = 500 * 1024 * 1024;

/** SDK 1.x sends `Authorization: Bearer <key>`; `x-api-key` is what raw API callers use. */
function isAuthorized(headers: Readonly<Record<string, string>>, apiKey: string): boolean {
  return headers.authorization === `Bearer ${apiKey}` || headers["x-api-key"] === apiKey;
}

/**
 * Starts a fake Anthropic API on 127.0.0.1 that the real `@anthropic-ai/sdk` talks to:
 * `POST /v1/messages` (JSON or SSE, played from scripts), `POST /v1/messages/count_tokens` and the
 * Files API (`/v1/files`: upload, list, metadata, content, delete). Anything else is a 404
 * `not_found_error`. Call `close()` when done.
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const { apiKey, tokensPerSecond, maxFileBytes = DEFAULT_MAX_FILE_BYTES } = options;
  if (tokensPerSecond !== undefined && !(tokensPerSecond > 0)) {
    throw new RangeError(`tokensPerSecond must be positive, got ${tokensPerSecond}`);
  }
  if (!(maxFileBytes > 0)) throw new RangeError(`maxFileBytes must be positive, got ${maxFileBytes}`);
  const files = new FileStore();
  const state: FakeState = {
    scripts: new ScriptSource(),
    countTokens: (body) => estimateInputTokens(body, files),
    tokensPerSecond,
    files,
    fileFaults: new FilesFaultPlan(),
    maxFileBytes,
  };
  const log = new RequestLog();
  const closing = new AbortController();
  // Every open request listens for the server closing; hundreds at once is the point (bench:bot).
  setMaxListeners(0, closing.signal);

  async function route(exchange: Exchange, method: string): Promise<void> {
    const { res, record } = exchange;
    const filesApiCall = filesCall(method, record.path);
    if (apiKey !== undefined && !isAuthorized(record.headers, apiKey)) {
      sendApiError(res, 401, "authentication_error", "invalid x-api-key");
    } else if (method === "POST" && record.path === "/v1/messages") {
      await answerMessages(exchange, state);
    } else if (method === "POST" && record.path === "/v1/messages/count_tokens") {
      answerCountTokens(exchange, state);
    } else if (filesApiCall) {
      answerFiles(exchange, state, filesApiCall);
    } else {
      sendApiError(res, 404, "not_found_error", `Not Found: ${method} ${record.path}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Writes to a socket the client already closed are expected here, not a crash.
    res.on("error", () => {});
    const requestId = fakeId("req_");
    res.setHeader("request-id", requestId);
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const record: LiveRecordedRequest = {
      path: new URL(url, "http://fake.invalid").pathname,
      url,
      method,
      headers: flattenHeaders(req.headers),
      body: {},
      rawBody: "",
      fileIds: [],
      upload: null,
      receivedAt: Date.now(),
      requestId,
      aborted: false,
      completed: false,
      firstTokenAt: null,
    };
    const stop = new AbortController();
    const stopOnClose = () => stop.abort();
    closing.signal.addEventListener("abort", stopOnClose, { once: true });
    res.on("finish", () => {
      record.completed = true;
    });
    res.on("close", () => {
      closing.signal.removeEventListener("abort", stopOnClose);
      // Only the client going away counts as an abort, not our own close().
      if (!res.writableFinished && !closing.signal.aborted) record.aborted = true;
      stop.abort();
    });

    // Uploads are the one body that may be huge: keep no more than the limit allows.
    const multipart = multipartBoundary(record.headers["content-type"]) !== undefined;
    let bytes: BodyBytes;
    try {
      bytes = await readBodyBytes(req, multipart ? maxFileBytes + MULTIPART_OVERHEAD_BYTES : undefined);
    } catch {
      log.add(record);
      return;
    }
    if (!multipart) record.rawBody = bytes.bytes.toString("utf8");
    const body = multipart ? {} : parseJsonObject(record.rawBody);
    record.body = body ?? {};
    record.fileIds = referencedFileIds(record.body);
    log.add(record);
    const exchange: Exchange = { res, record, body: bytes, signal: stop.signal };
    try {
      if (body === undefined)
        sendApiError(res, 400, "invalid_request_error", "request body is not a JSON object");
      else await route(exchange, method);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else
        sendFakeFailure(res, `failed to answer: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  // noDelay: each SSE event leaves as its own packet, so pacing is visible to the client.
  const server = createServer({ noDelay: true }, (req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    enqueue: (...scripts) => state.scripts.enqueue(scripts),
    respondWith: (responder) => state.scripts.respondWith(responder),
    get requests() {
      return log.entries;
    },
    waitForRequests: (count, timeoutMs = DEFAULT_WAIT_MS) => log.waitFor(count, timeoutMs),
    files: filesHelper(files, state.fileFaults),
    countTokens: (handler) => {
      state.countTokens = handler;
    },
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging and streaming responses would keep close() waiting forever.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
