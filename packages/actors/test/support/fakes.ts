import {
  type BalanceStanding,
  type Clock,
  type DomainEvent,
  type EventClock,
  type EventContext,
  fixedClock,
  type IdGenerator,
  type MessageReceived,
  nanoUsd,
  sequentialIds,
  type ThreadKey,
  threadStream,
} from "@bot/domain";
import { randomIds } from "@bot/domain/system";
import { type EventStore, type Position, type RecordedEvent, StreamNotFoundError } from "@bot/eventstore";
import {
  type DoneDelta,
  type LlmDelta,
  LlmError,
  type LlmProvider,
  type LlmRequest,
  modelRegistry,
  type StopReason,
  type TokenUsage,
  ZERO_USAGE,
} from "@bot/llm";
import { createLogger, type Logger } from "@bot/observability";
import type {
  AnswerRenderer,
  AnswerView,
  BalanceGate,
  DeliveryResume,
  FinalAnswer,
  GenerationEnvironment,
  GenerationTexts,
  OnMessageSent,
  ReplyTarget,
  ToolBox,
  UserAccounts,
} from "../../src/index.ts";

// ---------------------------------------------------------------------------
// Pacing

/** A point in a script the test controls: `reached` resolves when the provider gets there. */
export interface Gate {
  readonly reached: Promise<void>;
  readonly opened: Promise<void>;
  open(): void;
  markReached(): void;
}

/** A gate the test opens when it is ready. */
export function gate(): Gate {
  let markReached: () => void = () => undefined;
  let open: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    markReached = resolve;
  });
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { reached, opened, open, markReached };
}

/** Polls until `predicate` holds (real timers), failing with `message` after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${message}`);
    await sleep(5);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// The scripted LLM provider

/** One step of a scripted model call. */
export type Step =
  | LlmDelta
  /** Waits for the test to open the gate (marks it reached first). */
  | { readonly type: "pause"; readonly gate: Gate }
  /** Waits for a promise made when the step is reached. */
  | { readonly type: "await"; readonly until: () => Promise<unknown> }
  | { readonly type: "sleep"; readonly ms: number }
  /** Runs a side effect (e.g. moves a fake clock). */
  | { readonly type: "run"; readonly effect: () => void }
  | { readonly type: "throw"; readonly error: unknown };

export function usage(partial: Partial<TokenUsage> = {}): TokenUsage {
  return { ...ZERO_USAGE, ...partial };
}

export const text = (value: string): LlmDelta => ({ type: "text", text: value });
export const thinking = (value: string): LlmDelta => ({ type: "thinking", text: value });
export const usageDelta = (partial: Partial<TokenUsage>): LlmDelta => ({
  type: "usage",
  usage: usage(partial),
});
export const pause = (paused: Gate): Step => ({ type: "pause", gate: paused });

export function done(
  stopReason: StopReason = "end_turn",
  final: TokenUsage = usage({ inputTokens: 100, outputTokens: 20 }),
  model = "claude-reported-snapshot",
): DoneDelta {
  return { type: "done", stopReason, content: [], usage: final, model, messageId: "msg_test" };
}

/** A whole successful call answering `answer`. */
export function answer(value: string, stopReason: StopReason = "end_turn"): Step[] {
  return [usageDelta({ inputTokens: 100, outputTokens: 1 }), text(value), done(stopReason)];
}

/** Resolves with `promise`, or throws LlmError "aborted" when `signal` aborts first. */
function abortable(promise: Promise<unknown>, signal: AbortSignal, beforeFirstToken: boolean): Promise<void> {
  const aborted = () => new LlmError("aborted", "the request was aborted", { beforeFirstToken });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

async function* play(script: readonly Step[], signal: AbortSignal): AsyncGenerator<LlmDelta> {
  let content = false;
  for (const step of script) {
    if (signal.aborted) {
      throw new LlmError("aborted", "the request was aborted", { beforeFirstToken: !content });
    }
    switch (step.type) {
      case "pause":
        step.gate.markReached();
        await abortable(step.gate.opened, signal, !content);
        break;
      case "await":
        await abortable(step.until(), signal, !content);
        break;
      case "sleep":
        await abortable(sleep(step.ms), signal, !content);
        break;
      case "run":
        step.effect();
        break;
      case "throw":
        throw step.error;
      default:
        if (step.type === "text" || step.type === "thinking") content = true;
        yield step;
    }
  }
}

/**
 * A model provider that plays scripts: one per `stream` call, in order (then the
 * fallback). Records every request. Honours the abort signal like the port says:
 * it throws LlmError "aborted", never just stops.
 */
export class ScriptedProvider implements LlmProvider {
  readonly name = "anthropic" as const;
  readonly requests: LlmRequest[] = [];
  readonly #scripts: Step[][] = [];

  constructor(private readonly fallback: () => Step[] = () => answer("Fallback answer")) {}

  enqueue(...scripts: Step[][]): this {
    this.#scripts.push(...scripts);
    return this;
  }

  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmDelta> {
    this.requests.push(request);
    return play(this.#scripts.shift() ?? this.fallback(), signal);
  }

  async countTokens(request: LlmRequest): Promise<number> {
    return Math.ceil(JSON.stringify(request).length / 4);
  }
}

/** The text of every message of a request, joined (to look for turns). */
export function requestText(request: LlmRequest | undefined): string {
  if (!request) return "";
  return request.messages
    .flatMap((message) => message.content.map((part) => (part.type === "text" ? part.text : "")))
    .join("\n");
}

// ---------------------------------------------------------------------------
// The recording renderer

/** The thread's events (type and data) at the moment of a renderer call. */
export type LogSnapshot = readonly { readonly type: string; readonly data: object }[];

export interface UpdateCall {
  readonly generationId: string;
  readonly view: AnswerView;
  /** The log read when update() was called (update is synchronous, so the read is a promise). */
  readonly log: Promise<LogSnapshot>;
}

export interface FinishCall {
  readonly generationId: string;
  readonly answer: FinalAnswer;
  readonly log: LogSnapshot;
}

/**
 * Records begin/update/finish/fail/deliver. Each call reads the thread's stream
 * through `readLog` (when given), so tests can check what was in the log when the
 * user was shown something. `finishError`/`failError`/`deliverError` make calls throw.
 */
export class RecordingRenderer implements AnswerRenderer {
  readonly segmentBreak = "\uE000";
  flushMs = 0;
  finishError: Error | null = null;
  failError: Error | null = null;
  deliverError: Error | null = null;
  /** When set, finish() waits at this gate (after marking it reached) before it returns. */
  finishGate: Gate | null = null;
  readonly begins: {
    target: ReplyTarget;
    generationId: string;
    delivery: string;
    language: string | null;
  }[] = [];
  readonly updates: UpdateCall[] = [];
  readonly finishes: FinishCall[] = [];
  /** Generations whose render was asked to settle (a sequential file delivery). */
  readonly settles: string[] = [];
  readonly fails: { generationId: string; notice: string; log: LogSnapshot }[] = [];
  readonly deliveries: {
    target: ReplyTarget;
    answer: FinalAnswer;
    language: string | null;
    resume: DeliveryResume;
    log: LogSnapshot;
    messageIds: number[];
  }[] = [];
  #nextMessageId = 1000;

  constructor(private readonly readLog: () => Promise<LogSnapshot> = async () => []) {}

  flushIntervalMs(): number {
    return this.flushMs;
  }

  #messageIds(count: number): number[] {
    return Array.from({ length: count }, () => this.#nextMessageId++);
  }

  /** Waits for the log reads of every update() so far. */
  async settleReads(): Promise<void> {
    await Promise.all(this.updates.map((update) => update.log));
  }

  begin(
    target: ReplyTarget,
    options: {
      readonly generationId: string;
      readonly delivery: "draft" | "edit";
      readonly language: string | null;
      readonly onSent: OnMessageSent;
    },
  ) {
    const { generationId } = options;
    this.begins.push({ target, generationId, delivery: options.delivery, language: options.language });
    return {
      update: (view: AnswerView) => {
        this.updates.push({ generationId, view: { ...view }, log: this.readLog() });
      },
      settle: async () => {
        this.settles.push(generationId);
      },
      finish: async (final: FinalAnswer) => {
        const log = await this.readLog();
        this.finishes.push({ generationId, answer: { ...final }, log });
        if (this.finishGate) {
          this.finishGate.markReached();
          await this.finishGate.opened;
        }
        if (this.finishError) throw this.finishError;
        return this.#messageIds(2);
      },
      fail: async (notice: string) => {
        const log = await this.readLog();
        this.fails.push({ generationId, notice, log });
        if (this.failError) throw this.failError;
        return this.#messageIds(1);
      },
    };
  }

  async deliver(
    target: ReplyTarget,
    final: FinalAnswer,
    options: {
      readonly language: string | null;
      readonly resume: DeliveryResume;
      readonly onSent: OnMessageSent;
    },
  ): Promise<number[]> {
    const log = await this.readLog();
    const { language, resume } = options;
    if (this.deliverError) {
      this.deliveries.push({ target, answer: { ...final }, language, resume, log, messageIds: [] });
      throw this.deliverError;
    }
    const messageIds = this.#messageIds(1);
    for (const [index, id] of messageIds.entries()) {
      await options.onSent({ telegramMessageId: id, kind: "part", partIndex: resume.sentParts + index });
    }
    this.deliveries.push({ target, answer: { ...final }, language, resume, log, messageIds });
    return messageIds;
  }
}

// ---------------------------------------------------------------------------
// Texts, environment, logger

/** Recognisable notes: the tests can tell which one the runner chose. */
export const texts: GenerationTexts = {
  stopNotice: (stopReason, language) =>
    stopReason === "end_turn" || stopReason === "stop_sequence" ? null : `[stop:${stopReason}|${language}]`,
  errorNotice: (kind, retryAfterSeconds, language) =>
    `[error:${kind}|retry=${retryAfterSeconds}|${language}]`,
  interruptedByErrorNotice: (kind, language) => `[cut-by-error:${kind}|${language}]`,
  emptyAnswerNotice: (language) => `[empty|${language}]`,
  toolStatus: (names, language) => `[tools:${names.join(",")}|${language}]`,
  toolLimitNotice: (maxCalls, language) => `[tool-limit:${maxCalls}|${language}]`,
  transcriptNotice: (transcript, language) => `[transcript:${transcript}|${language}]`,
};

export const globalPrompt = (chatType: "private" | "group" | "supergroup") =>
  `You are a helpful assistant in a ${chatType} Telegram chat.`;

/** A pino logger that keeps its lines in memory. */
export function capturingLogger(): { logger: Logger; lines: () => { level: string; msg: string }[] } {
  const raw: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => raw.push(line) } });
  return {
    logger,
    lines: () => raw.map((line) => JSON.parse(line) as { level: string; msg: string }),
  };
}

export interface EnvironmentParts {
  readonly provider: LlmProvider;
  readonly renderer: AnswerRenderer;
  readonly users: UserAccounts;
  readonly balances?: BalanceGate;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
  readonly cacheWriteSubsidy?: boolean;
  readonly tools?: ToolBox;
  readonly maxToolIterations?: number;
}

/** A balance gate with a set balance per user; records what it was asked and whom it refused. */
export class FakeBalanceGate implements BalanceGate {
  readonly balances = new Map<number, number>();
  readonly privileged = new Set<number>();
  readonly asked: { userId: number; after: Position | null }[] = [];
  readonly refusals: { target: ReplyTarget; standing: BalanceStanding; language: string | null }[] = [];

  async standing(userId: number, after: Position | null): Promise<BalanceStanding> {
    this.asked.push({ userId, after });
    return { balance: nanoUsd(this.balances.get(userId) ?? 0), privileged: this.privileged.has(userId) };
  }

  async refused(target: ReplyTarget, standing: BalanceStanding, language: string | null): Promise<void> {
    this.refusals.push({ target, standing, language });
  }
}

/** The generation environment over the fakes and the real model registry. */
export function environment(parts: EnvironmentParts): GenerationEnvironment {
  return {
    provider: parts.provider,
    models: {
      findModel: (id) => modelRegistry.findModel(id),
      defaultModel: () => modelRegistry.defaultModel(),
    },
    renderer: parts.renderer,
    users: parts.users,
    ...(parts.balances ? { balances: parts.balances } : {}),
    texts,
    ids: parts.ids ?? sequentialIds(),
    clock: parts.clock ?? fixedClock("2026-12-01T10:00:00Z"),
    logger: parts.logger ?? createLogger({ level: "silent" }),
    globalPrompt,
    cacheWriteSubsidy: () => parts.cacheWriteSubsidy ?? false,
    maxOutputTokens: 4096,
    ...(parts.tools ? { tools: parts.tools } : {}),
    ...(parts.maxToolIterations ? { maxToolIterations: parts.maxToolIterations } : {}),
  };
}

/** Event sources for stamping: a fixed clock and random ids (unique across "processes"). */
export function eventSource(clock: Clock = fixedClock("2026-12-01T10:00:00Z")): EventClock {
  return { clock, ids: randomIds };
}

// ---------------------------------------------------------------------------
// Threads, messages, the log

let nextThread = 0;

/** A fresh private thread (chat id = user id). */
export function privateThread(): ThreadKey {
  nextThread++;
  const id = 700_000 + nextThread * 7 + Math.floor(Math.random() * 5);
  return { chatId: id, topicId: null, userId: id };
}

/** A fresh thread of one member of a supergroup. */
export function groupThread(): ThreadKey {
  nextThread++;
  return { chatId: -(1_000_000_000 + nextThread), topicId: null, userId: 900_000 + nextThread };
}

/** A user message of the thread; the update id is the message id + 10 000 unless given. */
export function message(
  key: ThreadKey,
  messageId: number,
  body: string,
  overrides: Partial<MessageReceived["data"]> = {},
): MessageReceived["data"] {
  return {
    chatId: key.chatId,
    topicId: key.topicId,
    userId: key.userId,
    chatType: key.chatId < 0 ? "supergroup" : "private",
    messageId,
    updateId: messageId + 10_000,
    text: body,
    sentAt: "2026-12-01T10:00:00Z",
    replyToMessageId: null,
    from: { username: "alice", firstName: "Alice", languageCode: "en" },
    ...overrides,
  };
}

export function contextFor(key: ThreadKey, label = "test"): EventContext {
  return { correlationId: `${label}:${threadStream(key)}`, causationId: null, userId: key.userId };
}

/** Every event of the thread's stream (none when it does not exist). */
export async function readThread(
  store: EventStore<DomainEvent>,
  key: ThreadKey,
): Promise<RecordedEvent<DomainEvent>[]> {
  const events: RecordedEvent<DomainEvent>[] = [];
  try {
    for await (const event of store.readStream(threadStream(key))) events.push(event);
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return events;
}

/** A renderer log reader for one thread. */
export function logReader(store: EventStore<DomainEvent>, key: ThreadKey): () => Promise<LogSnapshot> {
  return async () => (await readThread(store, key)).map(({ type, data }) => ({ type, data }));
}

export function typesOf(events: readonly { readonly type: string }[]): string[] {
  return events.map((event) => event.type);
}

/** The events of one type, with their data narrowed. */
export function ofType<T extends DomainEvent["type"]>(
  events: readonly RecordedEvent<DomainEvent>[],
  type: T,
): (RecordedEvent<DomainEvent> & Extract<DomainEvent, { type: T }>)[] {
  return events.filter(
    (event): event is RecordedEvent<DomainEvent> & Extract<DomainEvent, { type: T }> => event.type === type,
  );
}

/** A store that delegates to `inner` except for the methods given. */
export function wrapStore(
  inner: EventStore<DomainEvent>,
  overrides: Partial<Pick<EventStore<DomainEvent>, "append" | "readStream">>,
): EventStore<DomainEvent> {
  return {
    append: overrides.append ?? ((stream, events, options) => inner.append(stream, events, options)),
    readStream: overrides.readStream ?? ((stream, options) => inner.readStream(stream, options)),
    readAll: (options) => inner.readAll(options),
    readAllPage: (options) => inner.readAllPage(options),
    subscribeAll: (options) => inner.subscribeAll(options),
    subscribeAllBatches: (options) => inner.subscribeAllBatches(options),
    headPosition: () => inner.headPosition(),
    close: async () => undefined,
  };
}
