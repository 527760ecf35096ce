import type { ServerResponse } from "node:http";
import { sendJson } from "../shared/http-io.ts";
import type { SandboxRegistry } from "./sandbox-registry.ts";
import type { E2BExecutionResponder, E2BExecutionScript, E2BTemplate, RecordedE2BRequest } from "./types.ts";

/** A recorded request whose outcome the server fills in as it goes. */
export type LiveE2BRequest = { -readonly [K in keyof RecordedE2BRequest]: RecordedE2BRequest[K] };

/** One request being answered. */
export interface E2BExchange {
  res: ServerResponse;
  record: LiveE2BRequest;
  /** The raw body (uploads are binary). */
  body: Buffer;
  /** Aborts when the client goes away or the server closes. */
  signal: AbortSignal;
}

/** Server-wide state the handlers share. */
export interface E2BState {
  apiKey: string;
  clock: () => number;
  registry: SandboxRegistry;
  templates: ReadonlyMap<string, E2BTemplate>;
  envdVersion: string;
  defaultTimeoutSeconds: number;
  maxTimeoutSeconds: number;
  executions: E2BExecutionScript[];
  responder: E2BExecutionResponder | undefined;
}

/** E2B's API error body: `{code, message}`; the SDK reads `code === 404` and `message`. */
export function sendApiError(
  res: ServerResponse,
  code: number,
  message: string,
  retryAfterSeconds?: number,
): void {
  sendJson(
    res,
    code,
    { code, message },
    retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
  );
}

/** What E2B's sandbox proxy answers for a sandbox that is gone: 502, which the SDKs read as a timeout. */
export function sendSandboxGone(res: ServerResponse, sandboxId: string): void {
  sendJson(res, 502, { code: 502, message: "The sandbox was not found", sandboxId });
}
