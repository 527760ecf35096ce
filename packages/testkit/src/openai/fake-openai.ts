import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fakeId } from "../anthropic/ids.ts";
import { RequestLog } from "../anthropic/request-log.ts";
import { type BodyBytes, flattenHeaders, readBodyBytes } from "../shared/http-io.ts";
import type { LiveOpenAIRequest, OpenAIExchange, OpenAIState } from "./exchange.ts";
import { FailurePlan } from "./failure-plan.ts";
import { invalidRequest, sendFakeFailure, sendOpenAIError, sendScriptedError } from "./openai-errors.ts";
import { answerTranscription } from "./transcriptions-endpoint.ts";
import type { FakeOpenAI, FakeOpenAIOptions } from "./types.ts";
import { readUploadForm, recordUpload } from "./upload-form.ts";

const DEFAULT_WAIT_MS = 5_000;
/** The API's limit for an audio file: 25 MB. */
const DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024;
/** Room for the multipart framing and the text fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** Shows enough of a wrong key to tell keys apart, as the API's message does. */
function maskKey(key: string): string {
  return key.length <= 8 ? "***" : `${key.slice(0, 3)}***${key.slice(-4)}`;
}

/** Why the request is not authenticated, or undefined when it is. */
function authProblem(headers: Readonly<Record<string, string>>, apiKey: string | undefined) {
  const token = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1]?.trim();
  if (!token) {
    return invalidRequest(
      null,
      "You didn't provide an API key. Provide it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).",
    );
  }
  if (apiKey !== undefined && token !== apiKey) {
    return invalidRequest(null, `Incorrect API key provided: ${maskKey(token)}.`, "invalid_api_key");
  }
  return undefined;
}

/**
 * Starts a fake OpenAI API on 127.0.0.1 that the real `openai` SDK talks to: `POST
 * /v1/audio/transcriptions` (multipart, answered from scripts). Anything else is a 404. Call
 * `close()` when done.
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const { apiKey, maxFileBytes = DEFAULT_MAX_FILE_BYTES } = options;
  if (!(maxFileBytes > 0)) throw new RangeError(`maxFileBytes must be positive, got ${maxFileBytes}`);
  const state: OpenAIState = { transcripts: [], failures: new FailurePlan(), maxFileBytes };
  const log = new RequestLog<LiveOpenAIRequest>("fake openai");
  const closing = new AbortController();
  setMaxListeners(0, closing.signal);

  async function route(exchange: OpenAIExchange): Promise<void> {
    const { res, record } = exchange;
    const unauthenticated = authProblem(record.headers, apiKey);
    if (unauthenticated) {
      sendOpenAIError(res, 401, unauthenticated);
      return;
    }
    const failure = state.failures.take();
    if (failure) {
      sendScriptedError(res, failure);
    } else if (record.method === "POST" && record.path === "/v1/audio/transcriptions") {
      await answerTranscription(exchange, state);
    } else {
      sendOpenAIError(res, 404, invalidRequest(null, `Invalid URL (${record.method} ${record.path})`));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on("error", () => {});
    const requestId = fakeId("req_");
    res.setHeader("x-request-id", requestId);
    const record: LiveOpenAIRequest = {
      path: new URL(req.url ?? "/", "http://fake.invalid").pathname,
      method: req.method ?? "GET",
      headers: flattenHeaders(req.headers),
      fields: {},
      model: null,
      language: null,
      prompt: null,
      responseFormat: null,
      temperature: null,
      file: null,
      receivedAt: Date.now(),
      requestId,
      status: null,
      completed: false,
    };
    const stop = new AbortController();
    const stopOnClose = () => stop.abort();
    closing.signal.addEventListener("abort", stopOnClose, { once: true });
    res.on("finish", () => {
      record.status = res.statusCode;
      record.completed = true;
    });
    res.on("close", () => {
      closing.signal.removeEventListener("abort", stopOnClose);
      stop.abort();
    });
    let body: BodyBytes;
    try {
      body = await readBodyBytes(req, maxFileBytes + MULTIPART_OVERHEAD_BYTES);
    } catch {
      log.add(record);
      return;
    }
    const upload = readUploadForm(body, record.headers["content-type"], maxFileBytes);
    if (upload.ok) recordUpload(record, upload.form);
    log.add(record);
    try {
      await route({ res, record, upload, signal: stop.signal });
    } catch (error) {
      if (res.headersSent) res.destroy();
      else
        sendFakeFailure(res, `failed to answer: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const server = createServer((req, res) => {
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
    baseURL: `http://127.0.0.1:${port}/v1`,
    enqueueTranscription: (...scripts) => {
      state.transcripts.push(...scripts);
    },
    fail: (failure, failureOptions) => state.failures.add(failure, failureOptions),
    clearFailures: () => state.failures.clear(),
    get requests() {
      return log.entries;
    },
    waitForRequests: (count, timeoutMs = DEFAULT_WAIT_MS) => log.waitFor(count, timeoutMs),
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
