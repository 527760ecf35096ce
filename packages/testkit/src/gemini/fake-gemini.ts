import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { flattenHeaders, parseJsonObject, readBodyBytes } from "../shared/http-io.ts";
import { type Framing, playScript } from "./generate-endpoint.ts";
import { defaultGoogleMessage, sendGoogleError } from "./google-errors.ts";
import { DEFAULT_GEMINI_MODELS, GEMINI_API_VERSIONS } from "./models.ts";
import { readGenerateRequest } from "./request-validation.ts";
import { newResponseId } from "./response-plan.ts";
import type {
  FakeGemini,
  FakeGeminiOptions,
  GeminiFault,
  GeminiMethod,
  GeminiResponder,
  GeminiScript,
  RecordedGeminiRequest,
} from "./types.ts";

type LiveRequest = { -readonly [K in keyof RecordedGeminiRequest]: RecordedGeminiRequest[K] };

const GENERATE_PATH = /^\/([^/]+)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** What Google says to a request without any key. */
const NO_KEY_MESSAGE =
  "Method doesn't allow unregistered callers (callers without established identity). " +
  "Please use API Key or other form of API consumer identity to call this API.";

/** The ErrorInfo detail Google attaches to a wrong key. */
const BAD_KEY_DETAILS = [
  {
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    reason: "API_KEY_INVALID",
    domain: "googleapis.com",
    metadata: { service: "generativelanguage.googleapis.com" },
  },
];

interface PlannedFault {
  fault: GeminiFault;
  remaining: number;
}

/** Server-wide state. */
interface GeminiState {
  apiKey: string;
  models: ReadonlySet<string>;
  queue: GeminiScript[];
  responder: GeminiResponder | undefined;
  faults: PlannedFault[];
}

function takeFault(state: GeminiState): GeminiFault | undefined {
  const planned = state.faults[0];
  if (!planned) return undefined;
  planned.remaining -= 1;
  if (planned.remaining <= 0) state.faults.shift();
  return planned.fault;
}

/** Checks the key (header or `?key=`); answers 403/400 like Google and returns false when it is wrong. */
function authorize(res: ServerResponse, record: LiveRequest, apiKey: string): boolean {
  const sent = record.headers["x-goog-api-key"] ?? record.query.key;
  if (sent === apiKey) return true;
  if (sent === undefined || sent === "") sendGoogleError(res, 403, NO_KEY_MESSAGE);
  else
    sendGoogleError(res, 400, "API key not valid. Please pass a valid API key.", {
      details: BAD_KEY_DETAILS,
    });
  return false;
}

async function answerGenerate(
  res: ServerResponse,
  record: LiveRequest,
  state: GeminiState,
  signal: AbortSignal,
): Promise<void> {
  const { model, apiVersion, generateMethod } = record;
  if (model === null || apiVersion === null || generateMethod === null)
    throw new Error("not a generate request");
  if (!authorize(res, record, state.apiKey)) return;
  const fault = takeFault(state);
  if (fault) {
    sendGoogleError(res, fault.status, fault.message ?? defaultGoogleMessage(fault.status), {
      status: fault.googleStatus,
      retryAfterSeconds: fault.retryAfterSeconds,
    });
    return;
  }
  if (!state.models.has(model)) {
    sendGoogleError(
      res,
      404,
      `models/${model} is not found for API version ${apiVersion}, or is not supported for ${generateMethod}. ` +
        "Call ListModels to see the list of available models and their supported methods.",
    );
    return;
  }
  const outcome = readGenerateRequest(record.body);
  if (outcome.summary) record.summary = outcome.summary;
  if (!outcome.ok) {
    sendGoogleError(res, 400, outcome.message);
    return;
  }
  const script = state.queue.shift() ?? (state.responder ? await state.responder(record) : undefined);
  if (!script) throw new Error(`no script queued for ${generateMethod} on ${model}`);
  const framing: Framing =
    generateMethod === "generateContent" ? "unary" : record.query.alt === "sse" ? "sse" : "json_array";
  const context = { model, summary: outcome.summary, responseId: newResponseId() };
  await playScript({ res, framing, context, signal }, script);
}

function parsePath(
  url: string,
): Pick<LiveRequest, "path" | "query" | "apiVersion" | "model" | "generateMethod"> {
  const parsed = new URL(url, "http://fake.invalid");
  const match = GENERATE_PATH.exec(parsed.pathname);
  const version = match?.[1];
  const known = version !== undefined && GEMINI_API_VERSIONS.includes(version);
  return {
    path: parsed.pathname,
    query: Object.fromEntries(parsed.searchParams),
    apiVersion: known ? version : null,
    model: known ? decodeURIComponent(match?.[2] ?? "") : null,
    generateMethod: known ? ((match?.[3] ?? null) as GeminiMethod | null) : null,
  };
}

/**
 * Starts a fake Gemini API on 127.0.0.1 that the real `@google/genai` SDK talks to:
 * `POST /{v1|v1beta|v1alpha}/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`, key
 * in `x-goog-api-key`. Valid requests are answered from scripts; invalid ones with Google's 400/403/404
 * error JSON. Usage defaults: prompt = text/4 + 258 per source image, output = text/4 + 1120 per 1K/2K
 * image or 2000 per 4K image. Call `close()` when done.
 */
export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const state: GeminiState = {
    apiKey: options.apiKey ?? `AIza${randomBytes(18).toString("base64url")}`,
    models: new Set(options.models ?? DEFAULT_GEMINI_MODELS),
    queue: [],
    responder: undefined,
    faults: [],
  };
  const requests: LiveRequest[] = [];
  const closing = new AbortController();
  setMaxListeners(0, closing.signal);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on("error", () => {});
    const record: LiveRequest = {
      method: req.method ?? "GET",
      ...parsePath(req.url ?? "/"),
      headers: flattenHeaders(req.headers),
      body: {},
      rawBody: "",
      summary: null,
      status: 0,
      receivedAt: Date.now(),
      aborted: false,
      completed: false,
    };
    const stop = new AbortController();
    const stopOnClose = () => stop.abort();
    closing.signal.addEventListener("abort", stopOnClose, { once: true });
    res.on("finish", () => {
      record.completed = true;
    });
    res.on("close", () => {
      if (res.headersSent) record.status = res.statusCode;
      closing.signal.removeEventListener("abort", stopOnClose);
      if (!res.writableFinished && !closing.signal.aborted) record.aborted = true;
      stop.abort();
    });
    requests.push(record);
    try {
      record.rawBody = (await readBodyBytes(req)).bytes.toString("utf8");
    } catch {
      return;
    }
    const body = parseJsonObject(record.rawBody);
    record.body = body ?? {};
    try {
      if (record.generateMethod === null || record.method !== "POST") {
        sendGoogleError(res, 404, `Not found: ${record.method} ${record.path}`);
      } else if (body === undefined) {
        sendGoogleError(res, 400, "Invalid JSON payload received. Request body is not a JSON object.");
      } else {
        await answerGenerate(res, record, state, stop.signal);
      }
    } catch (error) {
      if (res.headersSent) res.destroy();
      else
        sendGoogleError(res, 500, `fake gemini: ${error instanceof Error ? error.message : String(error)}`, {
          status: "INTERNAL",
        });
    }
  }

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
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey: state.apiKey,
    enqueue: (...scripts) => {
      state.queue.push(...scripts);
    },
    respondWith: (responder) => {
      state.responder = responder;
    },
    fail: (fault) => {
      const times = fault.times ?? 1;
      if (!(times > 0)) throw new RangeError(`fault times must be positive, got ${times}`);
      state.faults.push({ fault, remaining: times });
    },
    get requests() {
      return requests;
    },
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
