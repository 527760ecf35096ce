import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@bot/config";
import { comparePositions, type Position, parsePosition } from "@bot/eventstore";
import { createLogger, createMetrics } from "@bot/observability";
import { openInfrastructure } from "@bot/platform";
import { readCheckpoint } from "@bot/projection-runner";
import { listAllThreads } from "@bot/projection-threads";
import { createPostgresClient } from "@bot/sql";
import { afterAll, describe, expect, it } from "vitest";
import { seedDemoConversations } from "../src/demo-conversations.ts";
import { spawnProjector } from "../src/testing/spawn-projector.ts";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");

const THREADS = 100;
const MESSAGES_PER_THREAD = 400;
const TOTAL = THREADS * MESSAGES_PER_THREAD;
const FIRST_USER = 5000;

interface Backend {
  readonly name: string;
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function pgliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), "projector-e2e-"));
  return {
    name: "pglite",
    env: { DATA_DIR: dir },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throw-away database on the test server, so the real `threads` schema cannot collide. */
async function postgresBackend(url: string): Promise<Backend> {
  const database = `projector_e2e_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const admin = createPostgresClient({ connectionString: url, maxConnections: 1 });
  await admin.exec(`CREATE DATABASE ${database}`);
  const target = new URL(url);
  target.pathname = `/${database}`;
  return {
    name: "postgres",
    env: { DATABASE_URL: target.toString() },
    async cleanup() {
      await admin.exec(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.close();
    },
  };
}

function configFor(backend: Backend) {
  return loadConfig({
    env: { ...backend.env, LOG_LEVEL: "warn" },
    cwd: root,
    secretsDir: join(root, "no-secrets"),
  });
}

async function seed(backend: Backend): Promise<Position> {
  const infrastructure = await openInfrastructure(configFor(backend), {
    logger: createLogger({ level: "silent" }),
    metrics: createMetrics({ defaultMetrics: false }),
    applicationName: "e2e-seed",
  });
  try {
    return await seedDemoConversations(infrastructure.store, {
      threads: THREADS,
      messagesPerThread: MESSAGES_PER_THREAD,
      firstUserId: FIRST_USER,
    });
  } finally {
    await infrastructure.close();
  }
}

async function threadsPosition(opsUrl: string): Promise<Position | null> {
  const response = await fetch(`${opsUrl}/admin/projections`);
  const body = (await response.json()) as { projections: { name: string; position: string | null }[] };
  const position = body.projections.find((projection) => projection.name === "threads")?.position;
  return position ? parsePosition(position) : null;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${label}`);
}

const backends: { name: string; create: () => Promise<Backend> }[] = [
  { name: "pglite", create: pgliteBackend },
  ...(process.env.DATABASE_URL
    ? [{ name: "postgres", create: () => postgresBackend(process.env.DATABASE_URL as string) }]
    : []),
];

describe.each(backends)("the projector process on $name", ({ create }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("when it is SIGKILLed mid catch-up and restarted, then every event is applied exactly once", {
    timeout: 180_000,
  }, async () => {
    const backend = await create();
    cleanups.push(() => backend.cleanup());
    const head = await seed(backend);

    const first = await spawnProjector({ ...backend.env, PROJECTIONS: "threads" });
    // Kill it after it has made some progress, before it is done.
    await waitUntil(
      async () => ((await threadsPosition(first.opsUrl))?.prepare ?? -1n) > 0n,
      30_000,
      "first progress",
    );
    const reached = await threadsPosition(first.opsUrl);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    // The kill landed mid catch-up (otherwise this test proves nothing about resuming).
    expect(reached !== null && comparePositions(reached, head) < 0).toBe(true);

    const second = await spawnProjector({ ...backend.env, PROJECTIONS: "threads" });
    await waitUntil(
      async () => {
        const health = (await (await fetch(`${second.opsUrl}/healthz`)).json()) as { ok: boolean };
        if (!health.ok) throw new Error("projector unhealthy after restart");
        const position = await threadsPosition(second.opsUrl);
        return position !== null && comparePositions(position, head) >= 0;
      },
      60_000,
      "catch-up after restart",
    );
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    // The read model, read after the process released the store.
    const infrastructure = await openInfrastructure(configFor(backend), {
      logger: createLogger({ level: "silent" }),
      metrics: createMetrics({ defaultMetrics: false }),
      applicationName: "e2e-check",
    });
    try {
      const threads = await listAllThreads(infrastructure.readModels);
      expect(threads).toHaveLength(THREADS);
      expect(threads.every((thread) => thread.messageCount === MESSAGES_PER_THREAD)).toBe(true);
      expect(threads.map((thread) => thread.title)).toEqual(
        threads.map((thread) => `message 0 of thread ${thread.userId - FIRST_USER}`),
      );
      const checkpoint = await readCheckpoint(infrastructure.readModels, "threads");
      expect(checkpoint?.eventsApplied).toBe(BigInt(TOTAL));
      expect(checkpoint?.status).toBe("live");
    } finally {
      await infrastructure.close();
    }
  });
});
