import type { FileKind, ThreadKey } from "@bot/domain";
import { applyInBatches, applyOneByOne, chunks } from "@bot/projection-runner/testing";
import type { SqlClient } from "@bot/sql";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesProjection, listProviderFiles, listThreadFiles } from "../src/index.ts";
import { backends, freshSchema, snapshot } from "./support/backends.ts";
import { interleaveStreams, withLateDuplicates } from "./support/delivery-order.ts";
import { FileLog, FileThread, type Provider, userFile } from "./support/file-thread.ts";

const KEYS: ThreadKey[] = [
  { chatId: -500, topicId: null, userId: 1 },
  { chatId: -500, topicId: 3, userId: 1 },
  { chatId: 2, topicId: null, userId: 2 },
];
const KINDS: FileKind[] = ["photo", "pdf", "voice", "spreadsheet"];
const PROVIDERS: Provider[] = ["anthropic", "google"];

/** Enough files in one thread for revisions of two digits. */
const TEN_FILES: Step[] = [
  { kind: "receive", thread: 0, files: 3, fileKind: "pdf" },
  { kind: "receive", thread: 0, files: 3, fileKind: "voice" },
];

type Step =
  | { kind: "receive"; thread: number; files: number; fileKind: FileKind }
  | { kind: "produce"; thread: number }
  | { kind: "deliver"; thread: number; pick: number; sentAs: "photo" | "document" }
  | { kind: "upload"; thread: number; pick: number; provider: Provider; expires: boolean }
  | { kind: "delete"; thread: number; pick: number; reason: "expired" | "retention" | "missing" };

const thread = fc.integer({ min: 0, max: KEYS.length - 1 });
// Weighted towards uploads and deletions: a redelivered upload after its deletion is the
// duplicate most likely to undo something.
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("receive" as const),
    thread,
    files: fc.integer({ min: 1, max: 3 }),
    fileKind: fc.constantFrom(...KINDS),
  }),
  fc.record({ kind: fc.constant("produce" as const), thread }),
  fc.record({
    kind: fc.constant("deliver" as const),
    thread,
    pick: fc.nat(),
    sentAs: fc.constantFrom("photo" as const, "document" as const),
  }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("upload" as const),
      thread,
      pick: fc.nat(),
      provider: fc.constantFrom(...PROVIDERS),
      expires: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      thread,
      pick: fc.nat(),
      reason: fc.constantFrom("expired" as const, "retention" as const, "missing" as const),
    }),
  },
);

/** Runs the steps through the domain (as the bot would), so the log is one the product can write. */
function buildThreads(steps: readonly Step[]): { log: FileLog; threads: FileThread[] } {
  const log = new FileLog();
  const threads = KEYS.map((key) => new FileThread(log, key));
  // A file in every thread first, so that most steps have something to act on.
  for (const target of threads) target.receive([userFile(log)]);
  let uploads = 0;
  let messages = 100;
  for (const next of steps) {
    const target = threads[next.thread];
    if (!target) continue;
    const files = target.state.files;
    switch (next.kind) {
      case "receive":
        target.receive(Array.from({ length: next.files }, () => userFile(log, { kind: next.fileKind })));
        break;
      case "produce":
        target.produce();
        break;
      case "deliver": {
        const file = files[next.pick % Math.max(files.length, 1)];
        if (file) target.deliver(file.fileId, messages++, next.sentAs);
        break;
      }
      case "upload": {
        const file = files[next.pick % Math.max(files.length, 1)];
        const expiresAt = next.expires ? "2026-04-01T00:00:00.000Z" : null;
        if (file) target.upload(file.fileId, `file_${uploads++}`, expiresAt, next.provider);
        break;
      }
      case "delete": {
        const copies = files.flatMap((file) => file.uploads.map((upload) => ({ file, upload })));
        const chosen = copies[next.pick % Math.max(copies.length, 1)];
        if (chosen) {
          const { file, upload } = chosen;
          target.deleteCopy(file.fileId, upload.providerFileId, next.reason, upload.provider);
        }
        break;
      }
      default: {
        const unknown: never = next;
        throw new Error(`unknown step ${JSON.stringify(unknown)}`);
      }
    }
  }
  return { log, threads };
}

describe.each(backends("files-properties-test"))("given the files projection on $name", ({ open }) => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await open();
  }, 60_000);
  afterAll(async () => {
    await sql?.close();
  });

  it("when any thread log is delivered with its streams interleaved in any order, some events twice, in any batches, then the rows are those of the log applied once in order, and agree with the threads' own state", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 8, maxLength: 40 }),
        // Unbiased: small keys would put every duplicate right after its original.
        fc.array(fc.noBias(fc.nat()), { minLength: 1, maxLength: 60 }),
        fc.array(fc.noBias(fc.nat()), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 20 }),
        async (steps, orderKeys, duplicateKeys, batchSizes) => {
          const { log, threads } = buildThreads(steps);
          const unique = log.fileEvents;
          const delivered = withLateDuplicates(interleaveStreams(unique, orderKeys), duplicateKeys);

          const inOrder = await freshSchema(sql, "p_order");
          const shuffled = await freshSchema(sql, "p_shuffled");
          const batched = await freshSchema(sql, "p_batched");
          try {
            await applyOneByOne(sql, inOrder, filesProjection, unique);
            await applyOneByOne(sql, shuffled, filesProjection, delivered);
            await applyInBatches(sql, batched, filesProjection, chunks(delivered, batchSizes));
            const expected = await snapshot(sql, inOrder);
            expect(await snapshot(sql, shuffled)).toEqual(expected);
            expect(await snapshot(sql, batched)).toEqual(expected);

            // The thread's own fold: the same files, the same deliveries, and every copy it
            // believes to exist is live here. Not the converse: a second upload to a provider
            // makes the thread forget the first copy, which still exists at the provider.
            let uploaded = 0;
            for (const { stream, state } of threads) {
              const rows = await listThreadFiles(sql, stream, inOrder);
              expect(rows.map((row) => [row.fileId, row.source, row.kind, row.delivery !== null])).toEqual(
                state.files.map((file) => [file.fileId, file.source, file.kind, file.delivered]),
              );
              for (const file of state.files) {
                const copies = await listProviderFiles(sql, file.fileId, inOrder);
                uploaded += copies.length;
                for (const upload of file.uploads) {
                  expect(copies).toContainEqual(
                    expect.objectContaining({ providerFileId: upload.providerFileId, deletedAt: null }),
                  );
                }
              }
            }
            expect(uploaded).toBe(unique.filter((event) => event.type === "FileUploaded").length);
            for (const event of unique) {
              if (event.type !== "ProviderFileDeleted") continue;
              const copies = await listProviderFiles(sql, event.data.fileId, inOrder);
              expect(copies.find((copy) => copy.providerFileId === event.data.providerFileId)).toMatchObject({
                deletedReason: event.data.reason,
                deletedAt: event.metadata.occurredAt,
              });
            }
          } finally {
            await sql.exec(
              `DROP SCHEMA ${inOrder} CASCADE; DROP SCHEMA ${shuffled} CASCADE; DROP SCHEMA ${batched} CASCADE`,
            );
          }
        },
      ),
      {
        numRuns: 20,
        // Found by this property: ten files in a thread were listed in text order of their revision.
        examples: [
          [[{ kind: "receive", thread: 0, files: 3, fileKind: "photo" }, ...TEN_FILES], [0], [1], []],
        ],
      },
    );
  }, 240_000);
});
