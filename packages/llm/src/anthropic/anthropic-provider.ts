/**
 * The Anthropic adapter of {@link LlmProvider}, on the official SDK.
 *
 * Retries: the SDK retries 408/409/429/5xx and connection failures `maxRetries` times,
 * honouring `retry-after`, but only until the response starts (a stream is never
 * replayed), i.e. always before the first token. Mid-stream failures surface as
 * {@link LlmError} with `beforeFirstToken: false`; retrying those is the caller's call.
 *
 * Timeouts: the SDK's `timeout` covers each attempt's wait for response headers only.
 * A stream that goes silent after that is cut by an idle watchdog. The SDK swallows
 * `ping` events, so the idle limit must exceed the longest silent phase (e.g. thinking
 * with display "omitted", a slow server-side web search).
 */
import Anthropic, { toFile } from "@anthropic-ai/sdk";
import { IdleWatchdog } from "../idle-watchdog.ts";
import { LlmError } from "../llm-error.ts";
import {
  isContentDelta,
  type LlmDelta,
  type LlmProvider,
  type LlmRequest,
  type ProviderFileStore,
} from "../provider.ts";
import {
  type AnthropicServerToolVersions,
  buildAnthropicRequest,
  DEFAULT_SERVER_TOOL_VERSIONS,
  toCountTokensParams,
} from "./build-request.ts";
import { mapAnthropicError } from "./map-error.ts";
import { AnthropicStreamMapper } from "./map-stream.ts";

/** Settings of {@link AnthropicProvider}. */
export interface AnthropicProviderOptions {
  readonly apiKey: string;
  /** Default: the SDK's (`ANTHROPIC_BASE_URL`, else https://api.anthropic.com). */
  readonly baseURL?: string;
  /** SDK retries before the response starts. Default 2. */
  readonly maxRetries?: number;
  /** Per-attempt wait for response headers, ms. Default 120 000. */
  readonly timeoutMs?: number;
  /** Longest silence tolerated inside a stream, ms. Default 300 000. */
  readonly streamIdleTimeoutMs?: number;
  /** Dated server-tool versions to request. Default {@link DEFAULT_SERVER_TOOL_VERSIONS}. */
  readonly serverToolVersions?: AnthropicServerToolVersions;
}

/** Defaults of {@link AnthropicProviderOptions}. */
export const ANTHROPIC_DEFAULTS = {
  maxRetries: 2,
  timeoutMs: 120_000,
  streamIdleTimeoutMs: 300_000,
} as const;

/** Claude via the Anthropic Messages API. */
export class AnthropicProvider implements LlmProvider {
  readonly name = "anthropic" as const;
  readonly #client: Anthropic;
  readonly #idleMs: number;
  readonly #serverToolVersions: AnthropicServerToolVersions;

  constructor(options: AnthropicProviderOptions) {
    this.#client = new Anthropic({
      apiKey: options.apiKey,
      maxRetries: options.maxRetries ?? ANTHROPIC_DEFAULTS.maxRetries,
      timeout: options.timeoutMs ?? ANTHROPIC_DEFAULTS.timeoutMs,
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    });
    this.#idleMs = options.streamIdleTimeoutMs ?? ANTHROPIC_DEFAULTS.streamIdleTimeoutMs;
    this.#serverToolVersions = options.serverToolVersions ?? DEFAULT_SERVER_TOOL_VERSIONS;
  }

  /**
   * Streams one call: a `usage` delta first (input known before any text), content
   * deltas, then `done`. Throws {@link LlmError} only; "aborted" when `signal` fires.
   */
  async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmDelta, void, undefined> {
    const params = buildAnthropicRequest(request, { serverToolVersions: this.#serverToolVersions });
    const mapper = new AnthropicStreamMapper();
    const watchdog = new IdleWatchdog(this.#idleMs);
    let yieldedContent = false;
    try {
      const events = await this.#client.messages.create(
        { ...params, stream: true },
        { signal: AbortSignal.any([signal, watchdog.signal]) },
      );
      watchdog.touch();
      for await (const event of events) {
        watchdog.touch();
        for (const delta of mapper.map(event)) {
          if (isContentDelta(delta)) yieldedContent = true;
          yield delta;
        }
      }
      // The SDK ends the iteration quietly when the request is aborted, so an
      // unfinished message means abort, idle timeout or a cut connection.
      if (!mapper.done) throw new StreamEndedEarly();
    } catch (error) {
      throw this.#streamFailure(error, signal, watchdog, !yieldedContent);
    } finally {
      watchdog.dispose();
    }
  }

  /** The Files API: uploads referenced as `{source: {type: "file", file_id}}`. */
  readonly files: ProviderFileStore = {
    upload: async (file, signal) => {
      try {
        const uploaded = await this.#client.files.upload(
          { file: await toFile(file.bytes, file.name, { type: file.mimeType }) },
          { signal: signal ?? null },
        );
        return { providerFileId: uploaded.id, expiresAt: uploaded.expires_at ?? null };
      } catch (error) {
        throw mapAnthropicError(error, { beforeFirstToken: true, callerAborted: signal?.aborted === true });
      }
    },
    delete: async (providerFileId, signal) => {
      try {
        await this.#client.files.delete(providerFileId, null, { signal: signal ?? null });
      } catch (error) {
        if (error instanceof Anthropic.NotFoundError) return;
        throw mapAnthropicError(error, { beforeFirstToken: true, callerAborted: signal?.aborted === true });
      }
    },
  };

  /** Input tokens of the request via `POST /v1/messages/count_tokens` (system, tools, messages). */
  async countTokens(request: LlmRequest, signal?: AbortSignal): Promise<number> {
    const params = toCountTokensParams(
      buildAnthropicRequest(request, { serverToolVersions: this.#serverToolVersions }),
    );
    try {
      const counted = await this.#client.messages.countTokens(params, { signal: signal ?? null });
      return counted.input_tokens;
    } catch (error) {
      throw mapAnthropicError(error, { beforeFirstToken: true, callerAborted: signal?.aborted === true });
    }
  }

  #streamFailure(
    error: unknown,
    signal: AbortSignal,
    watchdog: IdleWatchdog,
    beforeFirstToken: boolean,
  ): LlmError {
    if (signal.aborted) {
      return new LlmError("aborted", "Anthropic stream aborted by the caller", {
        cause: error,
        beforeFirstToken,
      });
    }
    if (watchdog.fired) {
      return new LlmError("timeout", `Anthropic stream idle for ${this.#idleMs} ms`, {
        cause: error,
        beforeFirstToken,
      });
    }
    if (error instanceof StreamEndedEarly || isBodyReadFailure(error)) {
      return new LlmError("connection", "Anthropic stream ended before message_stop", {
        cause: error,
        beforeFirstToken,
      });
    }
    return mapAnthropicError(error, { beforeFirstToken, callerAborted: false });
  }
}

/** Creates the Anthropic provider. */
export function createAnthropicProvider(options: AnthropicProviderOptions): LlmProvider {
  return new AnthropicProvider(options);
}

/** The stream finished without `message_stop`. */
class StreamEndedEarly extends Error {
  override readonly name = "StreamEndedEarly";
  constructor() {
    super("stream ended before message_stop");
  }
}

/**
 * A socket cut while reading the body surfaces as undici's raw `TypeError: terminated`,
 * not an SDK error: the SDK only wraps failures that happen before the response.
 */
function isBodyReadFailure(error: unknown): boolean {
  return error instanceof TypeError && error.message === "terminated";
}
