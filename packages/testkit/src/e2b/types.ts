/**
 * Public types of the fake E2B. Wire shapes follow `e2b` 2.51 (`SandboxApi`, `Filesystem`, the envd
 * OpenAPI and `filesystem.Filesystem` Connect service) and `@e2b/code-interpreter` 2.8 (`runCode`,
 * `parseOutput`).
 */

/** Resources of a template; E2B bills vCPU-seconds and GiB-seconds of these. */
export interface E2BTemplate {
  cpuCount: number;
  memoryMB: number;
  /** Default 10240. */
  diskSizeMB?: number;
}

/** Where a sandbox is in its life. */
export type E2BSandboxState = "running" | "killed" | "expired";

/** A sandbox's life so far, as `sandboxes()` reports it. Times are ms since the epoch on the fake's clock. */
export interface E2BSandboxRecord {
  readonly sandboxId: string;
  readonly templateId: string;
  readonly cpuCount: number;
  readonly memoryMB: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly envVars: Readonly<Record<string, string>>;
  readonly envdAccessToken: string;
  readonly startedAt: number;
  /** When it expires (or expired) unless killed; moved by `setTimeout` and `connect`. */
  readonly endAt: number;
  /** When it was killed or expired; null while running. */
  readonly endedAt: number | null;
  readonly state: E2BSandboxState;
  /** Up to `endedAt`, or to now while running. */
  readonly lifetimeMs: number;
  /** `lifetimeMs / 1000 * cpuCount`. */
  readonly vcpuSeconds: number;
  /** `lifetimeMs / 1000 * memoryMB / 1024`. */
  readonly gibSeconds: number;
  /** `runCode` calls that reached the sandbox. */
  readonly executions: number;
}

/** One step of a scripted code execution, streamed as a line of the `/execute` NDJSON answer. */
export type E2BExecutionStep =
  | { type: "stdout"; text: string }
  | { type: "stderr"; text: string }
  /**
   * A display result (`is_main_result` false) or the cell's value (true). `png`/`jpeg` are base64 or
   * bytes; `formats` adds other keys as sent (html, svg, json, chart, …).
   */
  | {
      type: "result";
      text?: string;
      png?: string | Uint8Array;
      jpeg?: string | Uint8Array;
      isMainResult?: boolean;
      formats?: Readonly<Record<string, unknown>>;
    }
  /** A Python exception; `runCode` resolves with `execution.error`. */
  | { type: "error"; name: string; value: string; traceback: string }
  /** The code writes a file (e.g. `/tmp/chart.png`) that `files.read` and `files.list` then see. */
  | { type: "file"; path: string; data: string | Uint8Array }
  | { type: "delay"; ms: number }
  /** The sandbox reaches its end of life here: it is marked expired and the connection drops. */
  | { type: "expire" };

/** A code execution that runs: the steps, then `end_of_execution`. */
export interface E2BExecutionRunScript {
  kind: "execution";
  steps: readonly E2BExecutionStep[];
}

/** `/execute` answers this HTTP status (502 reads as a sandbox timeout, 404 as not found in the SDK). */
export interface E2BExecutionHttpErrorScript {
  kind: "http_error";
  status: number;
  message?: string;
}

/** Accepts the execution and never answers (for `timeoutMs`). */
export interface E2BExecutionHangScript {
  kind: "hang";
}

/** What the fake does with one `runCode`. */
export type E2BExecutionScript = E2BExecutionRunScript | E2BExecutionHttpErrorScript | E2BExecutionHangScript;

/** What `runCode` sent, for responders. */
export interface E2BExecutionRequest {
  readonly sandboxId: string;
  readonly code: string;
  readonly language: string | null;
  readonly contextId: string | null;
  readonly envVars: Readonly<Record<string, string>>;
  /** The sandbox's files at the time of the call, by absolute path. */
  readonly files: ReadonlyMap<string, Buffer>;
}

/** Picks a script for an execution when nothing is queued. */
export type E2BExecutionResponder = (
  request: E2BExecutionRequest,
) => E2BExecutionScript | Promise<E2BExecutionScript>;

/** Which side of E2B a request went to, told apart by the `E2b-Sandbox-Port` header. */
export type E2BSurface = "api" | "envd" | "jupyter";

/** Where a fault applies: any control-plane call, only sandbox creation, envd (files), or `/execute`. */
export type E2BFaultTarget = "api" | "create" | "envd" | "execute";

/** An injected failure, answered before the request does anything. */
export interface E2BFault {
  target: E2BFaultTarget;
  /** e.g. 401, 429, 500, 502, 503. */
  status: number;
  message?: string;
  /** Sent as `Retry-After`; the SDK retries a 429 control-plane call only when it is set. */
  retryAfterSeconds?: number;
  /** How many matching requests it hits; default 1. */
  times?: number;
}

/** One request the fake received. */
export interface RecordedE2BRequest {
  readonly surface: E2BSurface;
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The `E2b-Sandbox-Id` header or the id in the path; null for calls about no sandbox. */
  readonly sandboxId: string | null;
  /** The JSON body, or null (no body, binary or multipart). */
  readonly body: unknown;
  /** The HTTP status answered; 0 until the response ends. */
  readonly status: number;
  readonly receivedAt: number;
  readonly aborted: boolean;
}

/** Options of `startFakeE2B`. */
export interface FakeE2BOptions {
  /** The key the control plane expects in `X-API-KEY`; default a random `e2b_…` (read `apiKey`). */
  apiKey?: string;
  /** Templates besides `base` and `code-interpreter-v1` (both 2 vCPU / 512 MiB); others are 404. */
  templates?: Readonly<Record<string, E2BTemplate>>;
  /** The fake's clock for lifetimes and expiry; default `Date.now`. */
  clock?: () => number;
  /** Reported `envdVersion`; default "0.6.2" (multipart uploads, file metadata). */
  envdVersion?: string;
  /** When `Sandbox.create` sends no timeout; default 300 s like the v2 API. */
  defaultTimeoutSeconds?: number;
  /** Larger timeouts are 400; default 86 400 (Pro; Hobby is 3 600). */
  maxTimeoutSeconds?: number;
  /** Default 0 (any free port). */
  port?: number;
}

/** A running fake E2B (control plane, envd and the code interpreter on one port). */
export interface FakeE2B {
  /** `http://127.0.0.1:<port>`: pass as `apiUrl` (or `E2B_API_URL`). */
  readonly apiUrl: string;
  /** The same server: pass as `sandboxUrl` (or `E2B_SANDBOX_URL`). */
  readonly sandboxUrl: string;
  readonly apiKey: string;
  /** Every sandbox ever created, with its lifetime so far. */
  sandboxes(): E2BSandboxRecord[];
  /** One sandbox's record; throws for an unknown id. */
  sandbox(sandboxId: string): E2BSandboxRecord;
  /** Ends a sandbox's life now as if its timeout had passed; later calls see it gone. */
  expire(sandboxId: string): void;
  /** A copy of a sandbox's files by absolute path (inputs written by the SDK, outputs of executions). */
  files(sandboxId: string): Map<string, Buffer>;
  /** Puts a file into a sandbox, as if something inside had written it. */
  writeFile(sandboxId: string, path: string, data: string | Uint8Array): void;
  /** Queues execution scripts; each `runCode` takes the next one (FIFO). */
  enqueueExecution(...scripts: E2BExecutionScript[]): void;
  /** Answers executions that find the queue empty. */
  respondToExecution(responder: E2BExecutionResponder): void;
  /** Makes the next matching request(s) fail with this HTTP error. */
  fail(fault: E2BFault): void;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedE2BRequest[];
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}
