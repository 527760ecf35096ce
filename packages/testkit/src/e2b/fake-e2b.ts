import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { flattenHeaders, parseJsonObject, readBodyBytes, sendJson } from "../shared/http-io.ts";
import { answerControlPlane } from "./control-plane.ts";
import { answerEnvdRest } from "./envd.ts";
import { answerEnvdRpc } from "./envd-rpc.ts";
import {
  type E2BExchange,
  type E2BState,
  type LiveE2BRequest,
  sendApiError,
  sendSandboxGone,
} from "./exchange.ts";
import { answerExecute } from "./execute.ts";
import { SandboxRegistry } from "./sandbox-registry.ts";
import type { E2BFault, E2BSurface, E2BTemplate, FakeE2B, FakeE2BOptions } from "./types.ts";

/** envd's port inside a sandbox (`ConnectionConfig.envdPort`). */
export const ENVD_PORT = 49983;
/** The code interpreter's Jupyter server port (`JUPYTER_PORT` in `@e2b/code-interpreter`). */
export const JUPYTER_PORT = 49999;

const DEFAULT_TEMPLATE: E2BTemplate = { cpuCount: 2, memoryMB: 512 };

interface PlannedFault {
  fault: E2BFault;
  remaining: number;
}

function surfaceOf(port: string | undefined): E2BSurface | "other_port" {
  if (port === undefined) return "api";
  if (port === String(ENVD_PORT)) return "envd";
  if (port === String(JUPYTER_PORT)) return "jupyter";
  return "other_port";
}

function faultApplies(fault: E2BFault, record: LiveE2BRequest): boolean {
  switch (fault.target) {
    case "api":
      return record.surface === "api";
    case "create":
      return record.surface === "api" && record.method === "POST" && record.path === "/v2/sandboxes";
    case "envd":
      return record.surface === "envd";
    case "execute":
      return record.surface === "jupyter";
    default: {
      const unknown: never = fault.target;
      throw new Error(`unknown fault target ${String(unknown)}`);
    }
  }
}

function takeFault(faults: PlannedFault[], record: LiveE2BRequest): E2BFault | undefined {
  const index = faults.findIndex((planned) => faultApplies(planned.fault, record));
  const planned = faults[index];
  if (!planned) return undefined;
  planned.remaining -= 1;
  if (planned.remaining <= 0) faults.splice(index, 1);
  return planned.fault;
}

/** The sandbox side (envd and the code interpreter): the sandbox must be running and the token right. */
async function answerSandbox(
  exchange: E2BExchange,
  state: E2BState,
  surface: "envd" | "jupyter",
): Promise<void> {
  const { record, res } = exchange;
  const sandboxId = record.sandboxId ?? "";
  const sandbox = state.registry.running(sandboxId);
  if (!sandbox) return sendSandboxGone(res, sandboxId);
  const token = record.headers["x-access-token"];
  // envd requires the token; the code interpreter gets it too, and a wrong one is refused either way.
  if (
    (surface === "envd" && token === undefined) ||
    (token !== undefined && token !== sandbox.envdAccessToken)
  ) {
    return sendApiError(
      res,
      401,
      "unauthorized access, please provide a valid access token or method signing",
    );
  }
  if (surface === "jupyter") return answerExecute(exchange, state, sandbox);
  if (/^\/(filesystem|process)\.[A-Za-z]+\//.test(record.path)) return answerEnvdRpc(exchange, sandbox);
  return answerEnvdRest(exchange, state, sandbox);
}

/**
 * Starts a fake E2B on 127.0.0.1 for the real `e2b` / `@e2b/code-interpreter` SDKs. One port serves the
 * control plane (no `E2b-Sandbox-Port` header; `X-API-KEY` checked), envd (port header 49983: files,
 * filesystem RPC, health; `X-Access-Token` checked) and the code interpreter (49999: `/execute`), which
 * is how the SDKs address a sandbox when `sandboxUrl` is set. Sandboxes keep files in memory and
 * lifetimes on the fake's clock. Call `close()` when done.
 */
export async function startFakeE2B(options: FakeE2BOptions = {}): Promise<FakeE2B> {
  const clock = options.clock ?? Date.now;
  const state: E2BState = {
    apiKey: options.apiKey ?? `e2b_${randomBytes(20).toString("hex")}`,
    clock,
    registry: new SandboxRegistry(clock),
    templates: new Map(
      Object.entries({
        base: DEFAULT_TEMPLATE,
        "code-interpreter-v1": DEFAULT_TEMPLATE,
        ...options.templates,
      }),
    ),
    envdVersion: options.envdVersion ?? "0.6.2",
    defaultTimeoutSeconds: options.defaultTimeoutSeconds ?? 300,
    maxTimeoutSeconds: options.maxTimeoutSeconds ?? 86_400,
    executions: [],
    responder: undefined,
  };
  const faults: PlannedFault[] = [];
  const requests: LiveE2BRequest[] = [];
  const closing = new AbortController();
  setMaxListeners(0, closing.signal);

  async function route(exchange: E2BExchange, surface: E2BSurface | "other_port"): Promise<void> {
    const { record, res } = exchange;
    const fault = surface === "other_port" ? undefined : takeFault(faults, record);
    if (fault)
      return sendApiError(
        res,
        fault.status,
        fault.message ?? `HTTP ${fault.status}`,
        fault.retryAfterSeconds,
      );
    switch (surface) {
      case "api":
        if (record.headers["x-api-key"] !== state.apiKey) return sendApiError(res, 401, "Invalid API key");
        return answerControlPlane(exchange, state);
      case "envd":
      case "jupyter":
        return answerSandbox(exchange, state, surface);
      case "other_port":
        return sendJson(res, 502, {
          code: 502,
          message: "The sandbox is running but port is not open",
          sandboxId: record.sandboxId,
          port: Number(record.headers["e2b-sandbox-port"]),
        });
      default: {
        const unknown: never = surface;
        throw new Error(`unknown surface ${String(unknown)}`);
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on("error", () => {});
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const headers = flattenHeaders(req.headers);
    const surface = surfaceOf(headers["e2b-sandbox-port"]);
    const record: LiveE2BRequest = {
      // A port the sandbox does not serve is still a sandbox-side call; it is recorded under envd.
      surface: surface === "other_port" ? "envd" : surface,
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      sandboxId: headers["e2b-sandbox-id"] ?? null,
      body: null,
      status: 0,
      receivedAt: clock(),
      aborted: false,
    };
    requests.push(record);
    const stop = new AbortController();
    const stopOnClose = () => stop.abort();
    closing.signal.addEventListener("abort", stopOnClose, { once: true });
    res.on("close", () => {
      closing.signal.removeEventListener("abort", stopOnClose);
      if (res.headersSent) record.status = res.statusCode;
      if (!res.writableFinished && !closing.signal.aborted) record.aborted = true;
      stop.abort();
    });

    let body: Buffer;
    try {
      body = (await readBodyBytes(req)).bytes;
    } catch {
      return;
    }
    if ((headers["content-type"] ?? "").startsWith("application/json")) {
      record.body = parseJsonObject(body.toString("utf8")) ?? null;
    }
    try {
      await route({ res, record, body, signal: stop.signal }, surface);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else sendApiError(res, 500, `fake e2b: ${error instanceof Error ? error.message : String(error)}`);
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
  const origin = `http://127.0.0.1:${port}`;

  function known(sandboxId: string) {
    const sandbox = state.registry.any(sandboxId);
    if (!sandbox) throw new Error(`fake e2b: no sandbox ${sandboxId}`);
    return sandbox;
  }

  let closed: Promise<void> | undefined;
  return {
    apiUrl: origin,
    sandboxUrl: origin,
    apiKey: state.apiKey,
    sandboxes: () => state.registry.records(),
    sandbox: (sandboxId) => state.registry.record(known(sandboxId)),
    expire: (sandboxId) => {
      known(sandboxId);
      state.registry.end(sandboxId, "expired");
    },
    files: (sandboxId) => known(sandboxId).fs.snapshot(),
    writeFile: (sandboxId, path, data) => {
      known(sandboxId).fs.write(path, typeof data === "string" ? Buffer.from(data) : Buffer.from(data));
    },
    enqueueExecution: (...scripts) => {
      state.executions.push(...scripts);
    },
    respondToExecution: (responder) => {
      state.responder = responder;
    },
    fail: (fault) => {
      const times = fault.times ?? 1;
      if (!(times > 0)) throw new RangeError(`fault times must be positive, got ${times}`);
      faults.push({ fault, remaining: times });
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
