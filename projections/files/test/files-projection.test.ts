import { threadEventDefinitions } from "@bot/domain";
import { applyInBatches, applyOneByOne } from "@bot/projection-runner/testing";
import type { SqlClient } from "@bot/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FILE_EVENT_TYPES,
  fileStats,
  filesProjection,
  findFile,
  foldFileFacts,
  listProviderFiles,
  listThreadFiles,
} from "../src/index.ts";
import { backends, freshSchema, snapshot } from "./support/backends.ts";
import { FileLog, FileThread, userFile } from "./support/file-thread.ts";

/**
 * File events the projection does not read. FileTranscribed (in the works) carries a
 * transcript for the model, not a change to a file's row or a provider copy.
 */
const NOT_READ = ["FileTranscribed"];

it("given the thread events, when the projection's event types are listed, then every file event is read or knowingly left out", () => {
  const fileTypes = threadEventDefinitions
    .map((definition) => definition.type)
    .filter((type) => /File/.test(type));
  expect([...FILE_EVENT_TYPES, ...NOT_READ]).toEqual(expect.arrayContaining(fileTypes));
  expect(fileTypes).toEqual(expect.arrayContaining([...FILE_EVENT_TYPES]));
});

it("given file events of a stream that is no thread and a duplicate, when folded, then the first fact of each key is kept and the other stream skipped", () => {
  const log = new FileLog();
  const thread = new FileThread(log, { chatId: 5, topicId: null, userId: 5 });
  thread.receive([userFile(log)]);
  const [received] = log.fileEvents;
  if (!received) throw new Error("no FileReceived recorded");
  const facts = foldFileFacts([received, { ...received, revision: 9n }, { ...received, stream: "user-5" }]);
  expect(facts.received).toHaveLength(1);
  expect(facts.received[0]).toMatchObject({ stream: thread.stream, revision: "1", chatId: 5, topicId: null });
});

describe.each(backends("files-projection-test"))("given the files projection on $name", ({ open }) => {
  let sql: SqlClient;
  const schemas: string[] = [];
  beforeAll(async () => {
    sql = await open();
  }, 60_000);
  afterAll(async () => {
    if (!sql) return;
    for (const schema of schemas) await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });

  async function fresh(label: string): Promise<string> {
    const schema = await freshSchema(sql, label);
    schemas.push(schema);
    return schema;
  }

  /** Applies the file events recorded since the last call, one by one, as the live worker would. */
  function follower(log: FileLog, schema: string): () => Promise<void> {
    let applied = 0;
    return async () => {
      const events = log.fileEvents.slice(applied);
      applied += events.length;
      await applyOneByOne(sql, schema, filesProjection, events);
    };
  }

  it("when a user sends a photo with a caption and a voice note, then each has a row with the message and the thread's key", async () => {
    const log = new FileLog();
    const thread = new FileThread(log, { chatId: -100_200, topicId: 7, userId: 42 });
    const photo = userFile(log, { caption: "what is this?" });
    const voice = userFile(log, {
      kind: "voice",
      name: "voice.ogg",
      mimeType: "audio/ogg",
      sizeBytes: 9_000,
      durationSeconds: 12,
    });
    thread.receive([photo, voice]);
    const schema = await fresh("user");
    await follower(log, schema)();

    const files = await listThreadFiles(sql, thread.stream, schema);
    expect(files).toEqual([
      {
        fileId: photo.fileId,
        stream: thread.stream,
        chatId: -100_200,
        topicId: 7,
        userId: 42,
        source: "user",
        kind: "photo",
        name: "photo.jpg",
        mimeType: "image/jpeg",
        sizeBytes: 120_000,
        telegramFileId: photo.telegramFileId,
        telegramFileUniqueId: photo.telegramFileUniqueId,
        sha256: null,
        messageId: 1,
        generationId: null,
        toolUseId: null,
        durationSeconds: null,
        caption: "what is this?",
        receivedRevision: 1n,
        receivedAt: "2026-03-01T10:00:01.000Z",
        delivery: null,
        lastRevision: 1n,
      },
      expect.objectContaining({
        fileId: voice.fileId,
        kind: "voice",
        durationSeconds: 12,
        receivedRevision: 2n,
      }),
    ]);
    expect(await findFile(sql, voice.fileId, schema)).toEqual(files[1]);
    expect(await listThreadFiles(sql, "thread-1-0-1", schema)).toEqual([]);
  });

  it("when a tool output is produced, delivered, uploaded and its copy deleted, then its rows follow each step", async () => {
    const log = new FileLog();
    const thread = new FileThread(log, { chatId: 77, topicId: null, userId: 77 });
    const schema = await fresh("output");
    const catchUp = follower(log, schema);

    const fileId = thread.produce();
    await catchUp();
    const produced = await findFile(sql, fileId, schema);
    expect(produced).toMatchObject({
      source: "assistant",
      kind: "image",
      sha256: "ab".repeat(32),
      generationId: thread.state.generation?.generationId,
      toolUseId: "toolu_01",
      telegramFileId: null,
      messageId: null,
      delivery: null,
    });
    expect((await fileStats(sql, schema)).pendingOutputs).toBe(1);

    thread.deliver(fileId, 501, "photo");
    await catchUp();
    const delivered = await findFile(sql, fileId, schema);
    expect(delivered?.delivery).toEqual({
      at: log.clock.now().toISOString(),
      telegramMessageId: 501,
      sentAs: "photo",
      telegramFileId: `sent-${fileId}`,
      caption: "here",
    });
    expect(delivered?.lastRevision).toBe((produced?.lastRevision ?? 0n) + 1n);
    expect((await fileStats(sql, schema)).pendingOutputs).toBe(0);

    thread.upload(fileId, "file_011", "2026-03-31T00:00:00.000Z");
    await catchUp();
    const uploadedAt = log.clock.now().toISOString();
    expect(await listProviderFiles(sql, fileId, schema)).toEqual([
      {
        provider: "anthropic",
        providerFileId: "file_011",
        fileId,
        stream: thread.stream,
        userId: 77,
        uploadedAt,
        expiresAt: "2026-03-31T00:00:00.000Z",
        deletedAt: null,
        deletedReason: null,
      },
    ]);

    thread.deleteCopy(fileId, "file_011", "missing");
    await catchUp();
    expect(await listProviderFiles(sql, fileId, schema)).toEqual([
      expect.objectContaining({
        providerFileId: "file_011",
        uploadedAt,
        deletedAt: log.clock.now().toISOString(),
        deletedReason: "missing",
      }),
    ]);
    // Uploads and deletions leave the file's own row alone.
    expect(await findFile(sql, fileId, schema)).toEqual(delivered);
  });

  it("when every event is applied again, one by one or in a batch, or a stale upload arrives after its deletion, then nothing changes", async () => {
    const log = new FileLog();
    const thread = new FileThread(log, { chatId: 9, topicId: null, userId: 9 });
    thread.receive([
      userFile(log),
      userFile(log, { kind: "pdf", name: "a.pdf", mimeType: "application/pdf" }),
    ]);
    const output = thread.produce();
    thread.deliver(output, 12);
    thread.upload(output, "file_a");
    thread.deleteCopy(output, "file_a", "retention");
    const events = log.fileEvents;
    const schema = await fresh("again");
    await applyOneByOne(sql, schema, filesProjection, events);
    const before = await snapshot(sql, schema);
    expect(before.files).toHaveLength(3);
    expect(before.providerFiles).toHaveLength(1);

    await applyInBatches(sql, schema, filesProjection, [events, events]);
    await applyOneByOne(sql, schema, filesProjection, events);
    const upload = events.find((event) => event.type === "FileUploaded");
    const delivery = events.find((event) => event.type === "FileDelivered");
    if (!upload || !delivery) throw new Error("the log lacks an upload or a delivery");
    await applyOneByOne(sql, schema, filesProjection, [upload, delivery]);
    expect(await snapshot(sql, schema)).toEqual(before);
  });

  it("when ids are unknown or not UUIDs, then the lookups find nothing instead of failing", async () => {
    const schema = await fresh("unknown");
    expect(await findFile(sql, "00000000-0000-4000-8000-00000000dead", schema)).toBeNull();
    expect(await findFile(sql, "file 1; DROP TABLE files", schema)).toBeNull();
    expect(await listProviderFiles(sql, "not-a-uuid", schema)).toEqual([]);
  });

  it("when operators ask for statistics, then counts and bytes are by kind and source, with pending outputs and provider copies", async () => {
    const schema = await fresh("stats");
    expect(await fileStats(sql, schema)).toEqual({
      byKind: [],
      files: 0,
      bytes: 0n,
      pendingOutputs: 0,
      oldestPendingOutputAt: null,
      providerFilesLive: 0,
      providerFilesDeleted: 0,
    });

    const log = new FileLog();
    const a = new FileThread(log, { chatId: 1, topicId: null, userId: 1 });
    const b = new FileThread(log, { chatId: -5, topicId: null, userId: 2 });
    const photo = userFile(log);
    a.receive([photo, userFile(log, { sizeBytes: 80_000 })]);
    b.receive([userFile(log, { kind: "voice", name: "v.ogg", mimeType: "audio/ogg", sizeBytes: 3_000 })]);
    const first = a.produce();
    const firstAt = log.clock.now().toISOString();
    b.produce();
    a.produce();
    a.deliver(first, 40);
    a.upload(photo.fileId, "file_p1");
    a.upload(photo.fileId, "file_p2");
    a.deleteCopy(photo.fileId, "file_p2", "expired");
    await applyInBatches(sql, schema, filesProjection, [log.fileEvents]);

    expect(await fileStats(sql, schema)).toEqual({
      byKind: [
        { kind: "image", source: "assistant", files: 3, bytes: 120_000n },
        { kind: "photo", source: "user", files: 2, bytes: 200_000n },
        { kind: "voice", source: "user", files: 1, bytes: 3_000n },
      ],
      files: 6,
      bytes: 323_000n,
      pendingOutputs: 2,
      oldestPendingOutputAt: expect.any(String),
      providerFilesLive: 1,
      providerFilesDeleted: 1,
    });
    const stats = await fileStats(sql, schema);
    expect(stats.oldestPendingOutputAt && stats.oldestPendingOutputAt > firstAt).toBe(true);
  });
});
