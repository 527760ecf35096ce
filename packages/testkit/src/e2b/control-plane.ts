import { sendJson } from "../shared/http-io.ts";
import { type E2BExchange, type E2BState, sendApiError } from "./exchange.ts";
import type { LiveSandbox } from "./sandbox-registry.ts";

const CLIENT_ID = "6532622b";
const DEFAULT_DISK_MB = 10_240;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((item) => typeof item === "string");
}

/** The `Sandbox` schema returned by create and connect. */
function sandboxJson(sandbox: LiveSandbox, state: E2BState): Record<string, unknown> {
  return {
    sandboxID: sandbox.sandboxId,
    templateID: sandbox.templateId,
    clientID: CLIENT_ID,
    envdVersion: state.envdVersion,
    envdAccessToken: sandbox.envdAccessToken,
    // Null domain and traffic token: the SDK then uses the configured sandbox URL and sends no token.
    domain: null,
    trafficAccessToken: null,
  };
}

/** The `ListedSandbox` / `SandboxDetail` schema. */
function detailJson(sandbox: LiveSandbox, state: E2BState): Record<string, unknown> {
  return {
    sandboxID: sandbox.sandboxId,
    templateID: sandbox.templateId,
    clientID: CLIENT_ID,
    cpuCount: sandbox.template.cpuCount,
    memoryMB: sandbox.template.memoryMB,
    diskSizeMB: sandbox.template.diskSizeMB ?? DEFAULT_DISK_MB,
    envdVersion: state.envdVersion,
    envdAccessToken: sandbox.envdAccessToken,
    metadata: sandbox.metadata,
    startedAt: new Date(sandbox.startedAt).toISOString(),
    endAt: new Date(sandbox.endAt).toISOString(),
    state: "running",
    domain: null,
  };
}

/** Reads a `timeout` in seconds; undefined when absent, a message when invalid. */
function readTimeout(body: Record<string, unknown>, state: E2BState): number | undefined | string {
  const { timeout } = body;
  if (timeout === undefined || timeout === null) return undefined;
  if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 0)
    return "timeout must be a non-negative integer";
  if (timeout > state.maxTimeoutSeconds) {
    return `Timeout cannot be greater than ${state.maxTimeoutSeconds / 3600} hours`;
  }
  return timeout;
}

function jsonBody(exchange: E2BExchange): Record<string, unknown> | undefined {
  return isRecord(exchange.record.body) ? exchange.record.body : exchange.body.length === 0 ? {} : undefined;
}

function createSandbox(exchange: E2BExchange, state: E2BState): void {
  const { res } = exchange;
  const body = jsonBody(exchange);
  if (!body) {
    sendApiError(res, 400, "request body must be a JSON object");
    return;
  }
  const { templateID, metadata, envVars } = body;
  if (typeof templateID !== "string" || templateID === "") {
    sendApiError(res, 400, "templateID is required");
    return;
  }
  if (metadata !== undefined && !isStringMap(metadata)) {
    sendApiError(res, 400, "metadata must map strings to strings");
    return;
  }
  if (envVars !== undefined && !isStringMap(envVars)) {
    sendApiError(res, 400, "envVars must map strings to strings");
    return;
  }
  const timeout = readTimeout(body, state);
  if (typeof timeout === "string") {
    sendApiError(res, 400, timeout);
    return;
  }
  const template = state.templates.get(templateID);
  if (!template) {
    sendApiError(res, 404, `template '${templateID}' not found`);
    return;
  }
  const sandbox = state.registry.create({
    templateId: templateID,
    template,
    metadata: metadata ?? {},
    envVars: envVars ?? {},
    timeoutSeconds: timeout ?? state.defaultTimeoutSeconds,
  });
  exchange.record.sandboxId = sandbox.sandboxId;
  sendJson(res, 201, sandboxJson(sandbox, state));
}

/** `metadata` query of the list call: `k=v&k2=v2`, each side URL-encoded, the whole encoded again. */
function matchesMetadata(sandbox: LiveSandbox, query: string | undefined): boolean {
  if (!query) return true;
  for (const [key, value] of new URLSearchParams(query)) {
    if (sandbox.metadata[decodeURIComponent(key)] !== decodeURIComponent(value)) return false;
  }
  return true;
}

function listSandboxes(exchange: E2BExchange, state: E2BState): void {
  const { query } = exchange.record;
  // Paused sandboxes do not exist here, so a state filter without "running" lists nothing.
  const states = query.state?.split(",");
  const running = states === undefined || states.includes("running");
  const listed = running
    ? state.registry
        .allRunning()
        .filter((sandbox) => matchesMetadata(sandbox, query.metadata))
        .filter((sandbox) => !query.template || sandbox.templateId === query.template)
    : [];
  sendJson(
    exchange.res,
    200,
    listed.map((sandbox) => detailJson(sandbox, state)),
  );
}

function notFound(exchange: E2BExchange, sandboxId: string): void {
  sendApiError(exchange.res, 404, `sandbox "${sandboxId}" doesn't exist or you don't have access to it`);
}

function withSandbox(
  exchange: E2BExchange,
  state: E2BState,
  sandboxId: string,
  then: (sandbox: LiveSandbox) => void,
) {
  exchange.record.sandboxId = sandboxId;
  const sandbox = state.registry.running(sandboxId);
  if (sandbox) then(sandbox);
  else notFound(exchange, sandboxId);
}

function setTimeoutOf(exchange: E2BExchange, state: E2BState, sandbox: LiveSandbox, connect: boolean): void {
  const body = jsonBody(exchange);
  if (!body) {
    sendApiError(exchange.res, 400, "request body must be a JSON object");
    return;
  }
  const timeout = readTimeout(body, state);
  if (typeof timeout === "string") {
    sendApiError(exchange.res, 400, timeout);
    return;
  }
  if (!connect) {
    if (timeout === undefined) {
      sendApiError(exchange.res, 400, "timeout is required");
      return;
    }
    state.registry.setTimeout(sandbox, timeout);
    exchange.res.writeHead(204).end();
    return;
  }
  // Connecting never shortens a running sandbox's life, it only extends it.
  const wanted = state.clock() + (timeout ?? state.defaultTimeoutSeconds) * 1000;
  if (wanted > sandbox.endAt) sandbox.endAt = wanted;
  sendJson(exchange.res, 200, sandboxJson(sandbox, state));
}

const SANDBOX_PATH = /^\/(v2\/)?sandboxes\/([^/]+)(\/[a-z]+)?$/;

/**
 * The control plane (`apiUrl`): create (`POST /v2/sandboxes`), list (`GET /v2/sandboxes`, `GET
 * /sandboxes`), info (`GET /sandboxes/{id}`), kill (`DELETE /sandboxes/{id}`), `POST
 * /sandboxes/{id}/timeout` and `POST /v2/sandboxes/{id}/connect`. Pause, resume, fork, snapshots and
 * metrics are not modelled (404).
 */
export function answerControlPlane(exchange: E2BExchange, state: E2BState): void {
  const { method, path } = exchange.record;
  if (path === "/v2/sandboxes" || path === "/sandboxes") {
    if (method === "POST" && path === "/v2/sandboxes") {
      createSandbox(exchange, state);
      return;
    }
    if (method === "GET") {
      listSandboxes(exchange, state);
      return;
    }
  }
  const match = SANDBOX_PATH.exec(path);
  const v2 = match?.[1] !== undefined;
  const sandboxId = match?.[2] !== undefined ? decodeURIComponent(match[2]) : undefined;
  const action = match?.[3];
  if (sandboxId !== undefined) {
    if (!v2 && action === undefined && method === "GET") {
      withSandbox(exchange, state, sandboxId, (sandbox) =>
        sendJson(exchange.res, 200, detailJson(sandbox, state)),
      );
      return;
    }
    if (!v2 && action === undefined && method === "DELETE") {
      exchange.record.sandboxId = sandboxId;
      if (state.registry.end(sandboxId, "killed")) exchange.res.writeHead(204).end();
      else notFound(exchange, sandboxId);
      return;
    }
    if (!v2 && action === "/timeout" && method === "POST") {
      withSandbox(exchange, state, sandboxId, (sandbox) => setTimeoutOf(exchange, state, sandbox, false));
      return;
    }
    if (v2 && action === "/connect" && method === "POST") {
      withSandbox(exchange, state, sandboxId, (sandbox) => setTimeoutOf(exchange, state, sandbox, true));
      return;
    }
  }
  sendApiError(exchange.res, 404, `fake e2b does not model ${method} ${path}`);
}
