import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { decideAdminAccess } from "./admin-access.ts";
import { sendJson } from "./http-json.ts";
import { matchRoute, type RouteParams } from "./route-pattern.ts";

/** The result of a health check; `ok: false` turns /healthz into a 503. */
export interface HealthStatus {
  readonly ok: boolean;
  readonly details?: Record<string, unknown>;
}

/** An extra route served by the ops server. */
export interface OpsRoute {
  /** HTTP method, e.g. `"GET"` or `"POST"` (case-insensitive). */
  readonly method: string;
  /** Exact path, or a pattern with `:param` segments such as `/admin/projections/:name`. */
  readonly path: string;
  /** Requires admin access (see `startOpsServer`). */
  readonly admin?: boolean;
  /** Writes the response; a throw or rejection becomes a 500 unless headers were already sent. */
  handler(req: IncomingMessage, res: ServerResponse, params: RouteParams): void | Promise<void>;
}

/** Options of {@link startOpsServer}. */
export interface OpsServerOptions {
  readonly host: string;
  /** 0 picks an ephemeral port; the real one is reported back. */
  readonly port: number;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Backs /healthz; without it the server is healthy while it runs. */
  readonly health?: () => Promise<HealthStatus>;
  readonly routes?: readonly OpsRoute[];
  /** Bearer token for admin routes. */
  readonly token?: string;
}

/** A running ops server. */
export interface OpsServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

/**
 * Starts the operations HTTP server (node:http only) serving:
 * - `GET /metrics`: the registry in Prometheus text format;
 * - `GET /healthz`: `health()` as JSON, 200 when ok and 503 otherwise;
 * - the extra `routes`. Admin routes need `Authorization: Bearer <token>` when a
 *   token is set; without a token they are served only on a loopback host (403 elsewhere).
 *
 * Unknown paths get a 404 and known paths with another method a 405, both as JSON.
 * Resolves once listening; rejects if the port cannot be bound.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const routes: readonly OpsRoute[] = [...builtInRoutes(options), ...(options.routes ?? [])];
  const server = createServer((req, res) => {
    void handleRequest(req, res, routes, options);
  });
  await listen(server, options.port, options.host);

  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`;
  options.logger.info({ url }, "ops server listening");
  return { url, port, close: () => close(server) };
}

function builtInRoutes(options: OpsServerOptions): OpsRoute[] {
  return [
    {
      method: "GET",
      path: "/metrics",
      async handler(_req, res) {
        const body = await options.registry.metrics();
        res.writeHead(200, { "content-type": options.registry.contentType, "cache-control": "no-store" });
        res.end(body);
      },
    },
    {
      method: "GET",
      path: "/healthz",
      async handler(_req, res) {
        const status = await checkHealth(options.health);
        sendJson(res, status.ok ? 200 : 503, status);
      },
    },
  ];
}

/** A health check that throws is reported unhealthy rather than as a server error. */
async function checkHealth(health: OpsServerOptions["health"]): Promise<HealthStatus> {
  if (health === undefined) return { ok: true };
  try {
    return await health();
  } catch (error) {
    return { ok: false, details: { error: error instanceof Error ? error.message : String(error) } };
  }
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly OpsRoute[],
  options: OpsServerOptions,
): Promise<void> {
  const pathname = new URL(req.url ?? "/", "http://ops.invalid").pathname;
  const method = (req.method ?? "GET").toUpperCase();
  const candidates = routes.flatMap((route) => {
    const params = matchRoute(route.path, pathname);
    return params === undefined ? [] : [{ route, params }];
  });
  const match = candidates.find(({ route }) => route.method.toUpperCase() === method);

  if (match === undefined) {
    if (candidates.length === 0) return sendJson(res, 404, { error: "not found", path: pathname });
    const allow = [...new Set(candidates.map(({ route }) => route.method.toUpperCase()))].join(", ");
    return sendJson(res, 405, { error: "method not allowed", allow }, { allow });
  }

  if (match.route.admin === true) {
    const decision = decideAdminAccess(req, options.host, options.token);
    if (!decision.allowed) {
      options.logger.warn(
        { path: pathname, status: decision.status },
        `ops admin request refused: ${decision.reason}`,
      );
      const headers: Record<string, string> = decision.status === 401 ? { "www-authenticate": "Bearer" } : {};
      return sendJson(res, decision.status, { error: decision.reason }, headers);
    }
  }

  try {
    await match.route.handler(req, res, match.params);
  } catch (error) {
    options.logger.error({ err: error, method, path: pathname }, "ops route failed");
    if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
    else res.destroy();
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    // Idle keep-alive sockets (e.g. a Prometheus scraper) would otherwise hold close() open.
    server.closeIdleConnections();
  });
}
