import type { EventContext, ProviderFileDeleted } from "@bot/domain";
import { parseThreadStream, type ThreadKey } from "@bot/domain";
import type { ProviderFileStore } from "@bot/llm";
import type { Logger } from "@bot/observability";
import { listProviderFilesToDelete } from "@bot/projection-files";
import type { SqlExecutor } from "@bot/sql";

/** How often the clean-up runs, and how long copies without a provider expiry are kept. */
export const PROVIDER_FILE_CLEANUP_INTERVAL_MS = 60 * 60_000;
/** Copies kept by the provider until deleted live this long after their upload. */
export const PROVIDER_FILE_RETENTION_MS = 30 * 24 * 60 * 60_000;

/** What the clean-up needs. */
export interface ProviderFileCleanupDeps {
  /** The files read model (its `provider_files` is the work list). */
  readonly readModels: SqlExecutor;
  /** The provider's file store, by provider name (only Anthropic's exists today). */
  readonly stores: Readonly<Partial<Record<ProviderFileDeleted["data"]["provider"], ProviderFileStore>>>;
  /** Records the deletion in the file's thread (through its single writer). */
  readonly record: (
    key: ThreadKey,
    deletion: ProviderFileDeleted["data"],
    context: EventContext,
  ) => Promise<unknown>;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly retentionMs?: number;
  /** At most this many per run (the rest wait for the next run). */
  readonly batchSize?: number;
}

/**
 * Deletes provider-side copies of thread files that expired (the provider's own
 * expiry) or outlived the retention window, and records each as ProviderFileDeleted in
 * its thread — after the provider confirmed, so the log never claims a deletion that
 * did not happen; a copy already gone counts as deleted. A failure is logged and
 * retried on the next run. Returns how many were deleted and how many failed.
 */
export async function cleanUpProviderFiles(
  deps: ProviderFileCleanupDeps,
): Promise<{ deleted: number; failed: number }> {
  const now = deps.now();
  const due = await listProviderFilesToDelete(deps.readModels, {
    now,
    olderThan: new Date(now.getTime() - (deps.retentionMs ?? PROVIDER_FILE_RETENTION_MS)),
    limit: deps.batchSize ?? 200,
  });
  let deleted = 0;
  let failed = 0;
  for (const copy of due) {
    const key = parseThreadStream(copy.stream);
    const provider = copy.provider as ProviderFileDeleted["data"]["provider"];
    const store = deps.stores[provider];
    if (!key || !store) {
      deps.logger.warn({ ...copy }, "provider file without a thread or a file store; left alone");
      failed += 1;
      continue;
    }
    try {
      await store.delete(copy.providerFileId);
      await deps.record(
        key,
        { fileId: copy.fileId, provider, providerFileId: copy.providerFileId, reason: copy.reason },
        { correlationId: `provider-file-cleanup:${copy.providerFileId}`, userId: key.userId },
      );
      deleted += 1;
    } catch (error) {
      failed += 1;
      deps.logger.warn({ err: error, ...copy }, "could not delete a provider file; trying again next run");
    }
  }
  if (due.length > 0) deps.logger.info({ due: due.length, deleted, failed }, "provider files cleaned up");
  return { deleted, failed };
}
