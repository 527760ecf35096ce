import { type DomainEvent, domainEvents } from "@bot/domain";
import type { EventStore, Position } from "@bot/eventstore";
import { createPostgresEventStore } from "@bot/eventstore/postgres";
import { createLogger } from "@bot/observability";
import { defineProjection, ProjectionRunner, readCheckpoint } from "@bot/projection-runner";
import { applyOneByOne, uniqueSchemaName } from "@bot/projection-runner/testing";
import type { SqlClient } from "@bot/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileStats, filesProjection, findFile, listThreadFiles } from "../src/index.ts";
import { backends, freshSchema, snapshot } from "./support/backends.ts";
import { FileLog, FileThread, userFile } from "./support/file-thread.ts";

/** Appends a driven log to the store, one stream at a time; returns the last position. */
async function appendLog(store: EventStore<DomainEvent>, log: FileLog): Promise<Position | null> {
  let last: Position | null = null;
  for (const stream of new Set(log.events.map((event) => event.stream))) {
    const events = log.events
      .filter((event) => event.stream === stream)
      .map(({ type, data, metadata }) => ({ type, data, metadata }) as DomainEvent);
    last = (await store.append(stream, events, { expectedRevision: "no_stream" })).position;
  }
  return last;
}

describe.each(backends("files-rebuild-test"))(
  "given a files projection followed by a runner on $name",
  ({ server, open }) => {
    let sql: SqlClient;
    let store: EventStore<DomainEvent>;
    const schemas: string[] = [];

    beforeAll(async () => {
      sql = await open();
      const eventSchema = server ? uniqueSchemaName("f_es") : "es";
      if (server) schemas.push(eventSchema);
      store = await createPostgresEventStore({
        sql,
        codec: domainEvents,
        schema: eventSchema,
        idlePollMs: 50,
      });
    }, 60_000);

    afterAll(async () => {
      await store?.close();
      if (!sql) return;
      for (const schema of schemas) await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    });

    it("when the runner follows the log and the projection is rebuilt blue/green, then the rebuilt rows are the live ones and those of the log applied by hand", async () => {
      // On a shared server the live schema "files" could collide with other test files.
      const projection = server
        ? defineProjection({ ...filesProjection, name: uniqueSchemaName("files") })
        : filesProjection;
      const name = projection.name;
      if (server) schemas.push(name);

      const log = new FileLog();
      const group = new FileThread(log, { chatId: -9_000, topicId: 4, userId: 31 });
      const dm = new FileThread(log, { chatId: 32, topicId: null, userId: 32 });
      const scan = userFile(log, {
        kind: "pdf",
        name: "scan.pdf",
        mimeType: "application/pdf",
        caption: "sign?",
      });
      group.receive([scan, userFile(log)]);
      group.upload(scan.fileId, "file_scan", null);
      const chart = group.produce();
      group.deliver(chart, 900, "photo");
      dm.receive([
        userFile(log, { kind: "voice", name: "v.ogg", mimeType: "audio/ogg", durationSeconds: 4 }),
      ]);
      const pending = dm.produce();
      dm.upload(pending, "file_pending", "2026-03-02T10:00:00.000Z", "google");
      dm.deleteCopy(pending, "file_pending", "expired", "google");
      const last = await appendLog(store, log);

      const runner = new ProjectionRunner({
        store,
        sql,
        projections: [projection],
        logger: createLogger({ level: "silent" }),
        batchSize: 4,
      });
      runner.start();
      try {
        await runner.waitFor(name, last ?? { commit: 0n, prepare: 0n }, { timeoutMs: 60_000 });
        const live = await snapshot(sql, name);
        expect(live.files).toHaveLength(5);
        expect(live.providerFiles).toHaveLength(2);
        expect((await findFile(sql, chart, name))?.delivery?.telegramMessageId).toBe(900);
        expect((await listThreadFiles(sql, dm.stream, name)).map((file) => file.fileId)).toContain(pending);
        expect(await fileStats(sql, name)).toMatchObject({ pendingOutputs: 1, providerFilesLive: 1 });
        if (!server) {
          // The live schema is the default of every query.
          expect(await findFile(sql, scan.fileId)).toEqual(await findFile(sql, scan.fileId, name));
        }

        const result = await runner.rebuild(name);
        expect(result.outcome).toBe("swapped");
        expect(await snapshot(sql, name)).toEqual(live);
        expect((await readCheckpoint(sql, name))?.status).toBe("live");

        const byHand = await freshSchema(sql, "by_hand");
        schemas.push(byHand);
        await applyOneByOne(sql, byHand, filesProjection, log.fileEvents);
        expect(await snapshot(sql, byHand)).toEqual(live);
      } finally {
        await runner.stop();
      }
    }, 120_000);
  },
);
