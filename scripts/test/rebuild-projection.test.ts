import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readCheckpoint } from "@bot/projection-runner";
import { listAllThreads } from "@bot/projection-threads";
import { seedDemoConversations } from "@bot/projector";
import { spawnProjector } from "@bot/projector/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "./support/run-cli.ts";
import { withStore } from "./support/with-store.ts";

const _root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("given an embedded store with conversations", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "rebuild-cli-"));
    await withStore({ DATA_DIR: dataDir }, (infrastructure) =>
      seedDemoConversations(infrastructure.store, { threads: 6, messagesPerThread: 50, firstUserId: 7000 }),
    );
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("when no process holds it, then `rebuild-projection threads` opens it, rebuilds, swaps and exits 0", {
    timeout: 60_000,
  }, async () => {
    const result = await runScript("rebuild-projection", ["threads"], { DATA_DIR: dataDir });
    expect(result.stderr).not.toContain("failed");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/threads: rebuilt and swapped in \(300 events applied, position \d+\/end/);
    await withStore({ DATA_DIR: dataDir }, async (infrastructure) => {
      const threads = await listAllThreads(infrastructure.readModels);
      expect(threads).toHaveLength(6);
      expect(threads.every((thread) => thread.messageCount === 50)).toBe(true);
      expect((await readCheckpoint(infrastructure.readModels, "threads"))?.eventsApplied).toBe(300n);
    });
  });

  it("when a projector holds it, then the rebuild runs inside that process through its ops endpoint, with its token", {
    timeout: 90_000,
  }, async () => {
    const projector = await spawnProjector({ DATA_DIR: dataDir, OPS_TOKEN: "cli-test-token" });
    try {
      const refused = await runScript("rebuild-projection", ["threads"], {
        DATA_DIR: dataDir,
        OPS_TOKEN: "wrong-token",
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("HTTP 401");

      const result = await runScript("rebuild-projection", ["threads"], {
        DATA_DIR: dataDir,
        OPS_TOKEN: "cli-test-token",
      });
      expect(result.stderr).toContain(`rebuilding through ${projector.opsUrl}`);
      expect(result.stdout).toContain("threads: rebuilt and swapped in (300 events applied");
      expect(result.code).toBe(0);
    } finally {
      projector.child.kill("SIGTERM");
      expect(await projector.exited).toBe(0);
    }
  });

  it("when the projection name is unknown or missing, then it exits 2 naming the known ones", async () => {
    const unknown = await runScript("rebuild-projection", ["nope"], { DATA_DIR: dataDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown projection "nope"');
    expect(unknown.stderr).toContain("known: threads");
    const missing = await runScript("rebuild-projection", [], { DATA_DIR: dataDir });
    expect(missing.code).toBe(2);
  });
});
