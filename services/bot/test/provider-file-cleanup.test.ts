import type { ProviderFileDeleted, ThreadKey } from "@bot/domain";
import type { ProviderFileStore } from "@bot/llm";
import { createLogger } from "@bot/observability";
import { filesSchemaSql } from "@bot/projection-files";
import { createPgliteClient, type SqlClient } from "@bot/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanUpProviderFiles } from "../src/files/provider-file-cleanup.ts";

const NOW = new Date("2026-11-26T12:00:00Z");
const DAY = 24 * 60 * 60_000;
const FILE = "11111111-1111-4111-8111-111111111111";

describe("given provider copies of thread files in the files read model", () => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await createPgliteClient();
    await sql.exec(
      `CREATE SCHEMA files; SET search_path TO files; ${filesSchemaSql}; SET search_path TO public;`,
    );
    const copy = (id: string, uploadedDaysAgo: number, expiresInDays: number | null) =>
      sql.query(
        `INSERT INTO files.provider_files (provider, provider_file_id, file_id, stream, user_id, uploaded_at, expires_at)
         VALUES ('anthropic', $1, $2, 'thread-42-0-42', 42, $3, $4)`,
        [
          id,
          FILE,
          new Date(NOW.getTime() - uploadedDaysAgo * DAY).toISOString(),
          expiresInDays === null ? null : new Date(NOW.getTime() + expiresInDays * DAY).toISOString(),
        ],
      );
    await copy("file_expired", 2, -1);
    await copy("file_old", 40, null);
    await copy("file_fresh", 1, null);
    await copy("file_broken", 50, null);
  });
  afterAll(async () => {
    await sql?.close();
  });

  it("when the clean-up runs, then expired and out-of-retention copies are deleted at the provider first and recorded in their thread, fresh ones stay, and a failure is retried later", async () => {
    const deletedAtProvider: string[] = [];
    const store: ProviderFileStore = {
      upload: async () => {
        throw new Error("not used");
      },
      delete: async (id) => {
        if (id === "file_broken") throw new Error("provider unavailable");
        deletedAtProvider.push(id);
      },
    };
    const recorded: { key: ThreadKey; deletion: ProviderFileDeleted["data"] }[] = [];
    const result = await cleanUpProviderFiles({
      readModels: sql,
      stores: { anthropic: store },
      record: async (key, deletion) => {
        // The log is written only after the provider confirmed.
        expect(deletedAtProvider).toContain(deletion.providerFileId);
        recorded.push({ key, deletion });
      },
      now: () => NOW,
      logger: createLogger({ level: "silent" }),
    });

    expect(result).toEqual({ deleted: 2, failed: 1 });
    expect(deletedAtProvider.sort()).toEqual(["file_expired", "file_old"]);
    expect(recorded.map((entry) => [entry.deletion.providerFileId, entry.deletion.reason]).sort()).toEqual([
      ["file_expired", "expired"],
      ["file_old", "retention"],
    ]);
    expect(recorded[0]?.key).toEqual({ chatId: 42, topicId: null, userId: 42 });
  });
});
