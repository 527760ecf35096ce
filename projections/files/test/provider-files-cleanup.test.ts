import { applyInBatches } from "@bot/projection-runner/testing";
import type { SqlClient } from "@bot/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesProjection, listProviderFilesToDelete } from "../src/index.ts";
import { backends, freshSchema } from "./support/backends.ts";
import { FileLog, FileThread, userFile } from "./support/file-thread.ts";

describe.each(backends("files-cleanup-test"))(
  "given provider copies in the files projection on $name",
  ({ open }) => {
    let sql: SqlClient;
    let schema: string;
    let thread: FileThread;
    let uploadedEarly: string;
    let uploadedLate: string;
    /** The file ids by what happens to their copy. */
    let ids: { expired: string; future: string; kept: string; recent: string; gone: string };

    beforeAll(async () => {
      sql = await open();
      const log = new FileLog();
      thread = new FileThread(log, { chatId: 3, topicId: null, userId: 3 });
      const files = [userFile(log), userFile(log), userFile(log), userFile(log), userFile(log)];
      thread.receive(files);
      const [expired = "", future = "", kept = "", recent = "", gone = ""] = files.map((file) => file.fileId);
      ids = { expired, future, kept, recent, gone };
      thread.upload(expired, "file_expired", "2026-03-02T00:00:00.000Z");
      thread.upload(future, "file_future", "2026-03-10T00:00:00.000Z");
      thread.upload(kept, "file_kept");
      uploadedEarly = log.clock.now().toISOString();
      thread.upload(gone, "file_gone", "2026-03-01T12:00:00.000Z");
      thread.deleteCopy(gone, "file_gone", "expired");
      log.clock.set("2026-03-04T12:00:00.000Z");
      thread.upload(recent, "file_recent");
      uploadedLate = log.clock.now().toISOString();
      schema = await freshSchema(sql, "cleanup");
      await applyInBatches(sql, schema, filesProjection, [log.fileEvents]);
    }, 60_000);

    afterAll(async () => {
      if (!sql) return;
      if (schema) await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    });

    it("when the clean-up job asks with a retention window, then copies past their expiry and copies without one older than the window are due, oldest first", async () => {
      const due = await listProviderFilesToDelete(
        sql,
        { now: "2026-03-05T00:00:00.000Z", olderThan: new Date("2026-03-04T00:00:00.000Z") },
        schema,
      );
      expect(due).toEqual([
        {
          provider: "anthropic",
          providerFileId: "file_kept",
          fileId: ids.kept,
          stream: thread.stream,
          userId: 3,
          uploadedAt: uploadedEarly,
          expiresAt: null,
          deletedAt: null,
          deletedReason: null,
          reason: "retention",
        },
        expect.objectContaining({ providerFileId: "file_expired", fileId: ids.expired, reason: "expired" }),
      ]);
    });

    it("when it asks without a retention window, then only expired copies are due, an expiry equal to now included", async () => {
      const due = await listProviderFilesToDelete(sql, { now: "2026-03-02T00:00:00.000Z" }, schema);
      expect(due.map((row) => [row.providerFileId, row.reason])).toEqual([["file_expired", "expired"]]);
      expect(await listProviderFilesToDelete(sql, { now: "2026-03-01T23:59:59.999Z" }, schema)).toEqual([]);
    });

    it("when it asks with a limit, or with a window that covers every upload, then the limit holds and deleted copies never come back", async () => {
      const first = await listProviderFilesToDelete(
        sql,
        { now: "2026-03-05T00:00:00.000Z", olderThan: "2026-03-04T00:00:00.000Z", limit: 1 },
        schema,
      );
      expect(first.map((row) => row.providerFileId)).toEqual(["file_kept"]);
      const all = await listProviderFilesToDelete(
        sql,
        { now: "2026-04-01T00:00:00.000Z", olderThan: "2026-04-01T00:00:00.000Z" },
        schema,
      );
      expect(all.map((row) => [row.providerFileId, row.reason])).toEqual([
        ["file_kept", "retention"],
        ["file_expired", "expired"],
        ["file_recent", "retention"],
        ["file_future", "expired"],
      ]);
      expect(all.find((row) => row.providerFileId === "file_recent")?.uploadedAt).toBe(uploadedLate);
    });
  },
);
