/**
 * Options of the `execute_python` tool and their defaults. Every limit has a default; the
 * resolved set is checked once when the tool is created so a bad configuration fails at
 * start-up, not in a user's conversation.
 */
import type { Clock } from "@bot/domain";
import type { ToolPriceSource } from "../pricing/tool-charge.ts";

/** Where the prices come from: the model registry (`modelRegistry`) or a test double. */
export type PythonPriceSource = ToolPriceSource;

/** Size limits of what goes in and comes out of one call. */
export interface ExecutePythonLimits {
  /** Longest accepted code, characters. */
  readonly maxCodeChars: number;
  /** Most pip specs per call. */
  readonly maxRequirements: number;
  /** Most thread files uploaded per call. */
  readonly maxInputFiles: number;
  /** Largest single input file, bytes. */
  readonly maxInputFileBytes: number;
  /** stdout kept for the model, characters (head and tail kept, the middle cut). */
  readonly maxStdoutChars: number;
  /** stderr kept for the model, characters. */
  readonly maxStderrChars: number;
  /** Traceback kept for the model, characters. */
  readonly maxTracebackChars: number;
  /** Display results described to the model. */
  readonly maxResults: number;
  /** Text of one display result, characters. */
  readonly maxResultTextChars: number;
  /** Output files registered per call (files in /tmp plus figures shown). */
  readonly maxOutputFiles: number;
  /** Largest output file registered, bytes. */
  readonly maxOutputFileBytes: number;
  /** Images also returned to the model as image blocks, per call. */
  readonly maxImageBlocks: number;
  /** Largest image returned as a block, bytes (Anthropic takes 5 MB of base64, about 3.75 MB raw). */
  readonly maxImageBlockBytes: number;
  /** Longest image side returned as a block, px (Anthropic rejects more than 8000). */
  readonly maxImageSide: number;
  /** How deep under /tmp new files are looked for. */
  readonly scanDepth: number;
}

/** Options of {@link createExecutePythonTool}. */
export interface ExecutePythonOptions {
  /** The E2B API key. */
  readonly apiKey: string;
  /** The control plane's URL (a fake or a proxy); default E2B's. */
  readonly apiUrl?: string;
  /** The sandboxes' URL (a fake or a proxy); default E2B's per-sandbox hosts. */
  readonly sandboxUrl?: string;
  /** The sandbox template. Default "code-interpreter-v1". */
  readonly template?: string;
  /** How long a sandbox lives after it was created or last used, ms. Default 10 minutes. */
  readonly sandboxTimeoutMs?: number;
  /** Run deadline when the model names none, ms. Default 60 s. */
  readonly defaultRunTimeoutMs?: number;
  /** Longest run deadline the model may ask for, ms. Default 300 s. */
  readonly maxRunTimeoutMs?: number;
  /** Deadline of `pip install`, ms. Default 120 s. */
  readonly pipTimeoutMs?: number;
  /** Deadline of each control-plane and file request, ms. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Resources assumed when the sandbox's info cannot be read (E2B's code-interpreter template: 2 vCPU, 512 MiB). */
  readonly fallbackResources?: SandboxResources;
  /** Prices of `execute_python` (vcpuSeconds, memoryMibSeconds). */
  readonly registry: PythonPriceSource;
  /** Session expiry and the charge meter. */
  readonly clock: Clock;
  readonly limits?: Partial<ExecutePythonLimits>;
}

/** What a sandbox runs on; E2B bills vCPU-seconds and memory-seconds of these. */
export interface SandboxResources {
  readonly cpuCount: number;
  readonly memoryMB: number;
}

/** The defaults of {@link ExecutePythonOptions}. */
export const EXECUTE_PYTHON_DEFAULTS = {
  template: "code-interpreter-v1",
  sandboxTimeoutMs: 10 * 60_000,
  defaultRunTimeoutMs: 60_000,
  maxRunTimeoutMs: 300_000,
  pipTimeoutMs: 120_000,
  requestTimeoutMs: 30_000,
  fallbackResources: { cpuCount: 2, memoryMB: 512 },
  limits: {
    maxCodeChars: 100_000,
    maxRequirements: 20,
    maxInputFiles: 10,
    maxInputFileBytes: 50 * 1024 * 1024,
    maxStdoutChars: 20_000,
    maxStderrChars: 10_000,
    maxTracebackChars: 6_000,
    maxResults: 20,
    maxResultTextChars: 2_000,
    maxOutputFiles: 10,
    maxOutputFileBytes: 20 * 1024 * 1024,
    maxImageBlocks: 4,
    maxImageBlockBytes: 3_750_000,
    maxImageSide: 8_000,
    scanDepth: 4,
  } satisfies ExecutePythonLimits,
} as const;

/** {@link ExecutePythonOptions} with every default applied. */
export interface ResolvedPythonOptions {
  readonly connection: { readonly apiKey: string; readonly apiUrl?: string; readonly sandboxUrl?: string };
  readonly template: string;
  readonly sandboxTimeoutMs: number;
  readonly defaultRunTimeoutMs: number;
  readonly maxRunTimeoutMs: number;
  readonly pipTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly fallbackResources: SandboxResources;
  readonly registry: PythonPriceSource;
  readonly clock: Clock;
  readonly limits: ExecutePythonLimits;
}

/** Applies the defaults and checks the result; throws RangeError for a configuration that cannot work. */
export function resolvePythonOptions(options: ExecutePythonOptions): ResolvedPythonOptions {
  const defaults = EXECUTE_PYTHON_DEFAULTS;
  const resolved: ResolvedPythonOptions = {
    connection: {
      apiKey: options.apiKey,
      ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }),
      ...(options.sandboxUrl === undefined ? {} : { sandboxUrl: options.sandboxUrl }),
    },
    template: options.template ?? defaults.template,
    sandboxTimeoutMs: options.sandboxTimeoutMs ?? defaults.sandboxTimeoutMs,
    defaultRunTimeoutMs: options.defaultRunTimeoutMs ?? defaults.defaultRunTimeoutMs,
    maxRunTimeoutMs: options.maxRunTimeoutMs ?? defaults.maxRunTimeoutMs,
    pipTimeoutMs: options.pipTimeoutMs ?? defaults.pipTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? defaults.requestTimeoutMs,
    fallbackResources: options.fallbackResources ?? defaults.fallbackResources,
    registry: options.registry,
    clock: options.clock,
    limits: { ...defaults.limits, ...options.limits },
  };
  if (resolved.connection.apiKey === "") throw new RangeError("execute_python needs an E2B API key");
  for (const [name, value] of Object.entries({ ...resolved.limits, ...numbersOf(resolved) })) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`execute_python option ${name} must be a positive integer, got ${value}`);
    }
  }
  const prices = resolved.registry.toolPrices("execute_python")?.prices;
  if (!prices?.vcpuSeconds || !prices.memoryMibSeconds) {
    // A paid tool without prices would run for free: refuse to start instead.
    throw new RangeError("execute_python has no prices for vcpuSeconds and memoryMibSeconds in the registry");
  }
  if (resolved.defaultRunTimeoutMs > resolved.maxRunTimeoutMs) {
    throw new RangeError("execute_python defaultRunTimeoutMs must not exceed maxRunTimeoutMs");
  }
  // The recorded session expiry is "call start + sandboxTimeoutMs"; a call that outlived the
  // sandbox would find it reaped mid-run, so the longest call must fit with room to spare.
  if (resolved.sandboxTimeoutMs <= resolved.maxRunTimeoutMs + resolved.pipTimeoutMs + 60_000) {
    throw new RangeError(
      "execute_python sandboxTimeoutMs must exceed maxRunTimeoutMs + pipTimeoutMs + 60 s so a call never outlives its sandbox",
    );
  }
  return resolved;
}

function numbersOf(options: ResolvedPythonOptions): Record<string, number> {
  return {
    sandboxTimeoutMs: options.sandboxTimeoutMs,
    defaultRunTimeoutMs: options.defaultRunTimeoutMs,
    maxRunTimeoutMs: options.maxRunTimeoutMs,
    pipTimeoutMs: options.pipTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    cpuCount: options.fallbackResources.cpuCount,
    memoryMB: options.fallbackResources.memoryMB,
  };
}
