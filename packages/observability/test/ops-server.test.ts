import { afterEach, describe, expect, it } from "vitest";
import {
  createLogger,
  createMetrics,
  type OpsRoute,
  type OpsServer,
  type OpsServerOptions,
  sendJson,
  startOpsServer,
} from "../src/index.ts";
import { memoryDestination } from "./memory-destination.ts";

const servers: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const echoRoute: OpsRoute = {
  method: "POST",
  path: "/admin/projections/:name/rebuild",
  admin: true,
  handler(_req, res, params) {
    sendJson(res, 202, { rebuilding: params.name });
  },
};

async function start(overrides: Partial<OpsServerOptions> = {}): Promise<OpsServer> {
  const server = await startOpsServer({
    host: "127.0.0.1",
    port: 0,
    registry: createMetrics({ defaultMetrics: false }).registry,
    logger: createLogger({ level: "silent", destination: memoryDestination() }),
    routes: [echoRoute],
    ...overrides,
  });
  servers.push(server);
  return server;
}

describe("given an ops server with a registered metric", () => {
  it("when /metrics is scraped, then the metric is served in Prometheus text format", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.counter({ name: "updates_total", help: "Updates handled" }).inc(3);
    const server = await start({ registry: metrics.registry });

    const response = await fetch(`${server.url}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(metrics.registry.contentType);
    const text = await response.text();
    expect(text).toContain("# HELP bot_updates_total Updates handled");
    expect(text).toContain("bot_updates_total 3");
  });

  it("when started on port 0, then the real port and URL are reported", async () => {
    const server = await start();

    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it("when an unknown path is requested, then a JSON 404 is returned", async () => {
    const server = await start();

    const response = await fetch(`${server.url}/nope`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not found", path: "/nope" });
  });

  it("when a known path is requested with another method, then a 405 names the allowed ones", async () => {
    const server = await start();

    const response = await fetch(`${server.url}/metrics`, { method: "DELETE" });

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
  });

  it("when closed, then it stops accepting connections", async () => {
    const server = await startOpsServer({
      host: "127.0.0.1",
      port: 0,
      registry: createMetrics({ defaultMetrics: false }).registry,
      logger: createLogger({ level: "silent", destination: memoryDestination() }),
    });
    await fetch(`${server.url}/healthz`);

    await server.close();

    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe("given health checks", () => {
  it("when no check is configured, then /healthz is 200 ok", async () => {
    const server = await start();

    const response = await fetch(`${server.url}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("when the check reports unhealthy, then /healthz is 503 with the details", async () => {
    const server = await start({ health: async () => ({ ok: false, details: { store: "down" } }) });

    const response = await fetch(`${server.url}/healthz`);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, details: { store: "down" } });
  });

  it("when the check throws, then /healthz is 503 with the error message", async () => {
    const server = await start({
      health: async () => {
        throw new Error("db timeout");
      },
    });

    const response = await fetch(`${server.url}/healthz`);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, details: { error: "db timeout" } });
  });
});

describe("given an admin route and a configured token", () => {
  const url = (server: OpsServer) => `${server.url}/admin/projections/balances/rebuild`;

  it("when called without a token, then it is 401 with a Bearer challenge", async () => {
    const server = await start({ token: "s3cret-token" });

    const response = await fetch(url(server), { method: "POST" });

    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("when called with a wrong token, then it is 401", async () => {
    const server = await start({ token: "s3cret-token" });

    const response = await fetch(url(server), { method: "POST", headers: { authorization: "Bearer nope" } });

    expect(response.status).toBe(401);
  });

  it("when called with the right token, then the handler runs with the path params", async () => {
    const server = await start({ token: "s3cret-token" });

    const response = await fetch(url(server), {
      method: "POST",
      headers: { authorization: "Bearer s3cret-token" },
    });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ rebuilding: "balances" });
  });
});

describe("given an admin route and no token", () => {
  it("when the server is bound to loopback, then the route is served", async () => {
    const server = await start({ host: "127.0.0.1" });

    const response = await fetch(`${server.url}/admin/projections/threads/rebuild`, { method: "POST" });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ rebuilding: "threads" });
  });

  it("when the server is bound to all interfaces, then the route is forbidden", async () => {
    const server = await start({ host: "0.0.0.0" });

    const response = await fetch(`http://127.0.0.1:${server.port}/admin/projections/threads/rebuild`, {
      method: "POST",
    });

    expect(response.status).toBe(403);
  });

  it("when a non-admin route is requested on a public bind, then it is still served", async () => {
    const server = await start({ host: "0.0.0.0" });

    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);

    expect(response.status).toBe(200);
  });
});

describe("given a route whose handler throws", () => {
  it("when it is called, then a JSON 500 is returned and the error is logged", async () => {
    const destination = memoryDestination();
    const server = await start({
      logger: createLogger({ level: "error", destination }),
      routes: [
        {
          method: "GET",
          path: "/boom",
          handler() {
            throw new Error("kaput");
          },
        },
      ],
    });

    const response = await fetch(`${server.url}/boom`);

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "internal error" });
    expect(destination.records()).toMatchObject([{ msg: "ops route failed", err: { message: "kaput" } }]);
  });
});
