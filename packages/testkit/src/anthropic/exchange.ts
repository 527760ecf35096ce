import type { ServerResponse } from "node:http";
import type { BodyBytes } from "../shared/http-io.ts";
import type { FileStore } from "./file-store.ts";
import type { FilesFaultPlan } from "./files-fault-plan.ts";
import type { LiveRecordedRequest } from "./request-log.ts";
import type { ScriptSource } from "./script-source.ts";
import type { AnthropicTokenCounter } from "./types.ts";

/** One request being answered. */
export interface Exchange {
  res: ServerResponse;
  record: LiveRecordedRequest;
  /** The body as received (capped for uploads); JSON endpoints read `record.body` instead. */
  body: BodyBytes;
  /** Aborts when the client goes away or the server closes: stop writing. */
  signal: AbortSignal;
}

/** Server-wide state the endpoints read. */
export interface FakeState {
  scripts: ScriptSource;
  countTokens: AnthropicTokenCounter;
  tokensPerSecond: number | undefined;
  files: FileStore;
  fileFaults: FilesFaultPlan;
  maxFileBytes: number;
}
