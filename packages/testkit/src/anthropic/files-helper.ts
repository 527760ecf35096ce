import { type FileStore, toStoredFile } from "./file-store.ts";
import type { FakeAnthropicFiles, NewAnthropicFile } from "./file-types.ts";
import type { FilesFaultPlan } from "./files-fault-plan.ts";
import { storedMimeType } from "./mime-types.ts";

/** The `files` handle of a running fake: the test's side door into its storage. */
export function filesHelper(store: FileStore, faults: FilesFaultPlan): FakeAnthropicFiles {
  function known(id: string): void {
    if (!store.get(id)) throw new Error(`fake anthropic: no file ${id}`);
  }
  return {
    list: () => store.newestFirst().map(toStoredFile),
    get: (id) => {
      const file = store.get(id);
      return file && toStoredFile(file);
    },
    add: (file: NewAnthropicFile) =>
      toStoredFile(
        store.add({
          filename: file.filename,
          mimeType: file.mimeType ?? storedMimeType(file.filename, undefined),
          bytes: Buffer.from(file.bytes),
          downloadable: file.downloadable ?? true,
          expiresInSeconds: file.expiresInSeconds,
        }),
      ),
    expire: (id) => {
      known(id);
      store.expire(id);
    },
    delete: (id) => {
      known(id);
      store.delete(id);
    },
    fail: (operation, fault, options) => faults.add(operation, fault, options),
    clearFaults: () => faults.clear(),
  };
}
