import {
  type DomainEvent,
  decideSettings,
  type EventClock,
  type EventContext,
  evolveSettings,
  initialSettings,
  SETTINGS_STREAM,
  type SettingsCommand,
  type SettingsEvent,
  type SettingsState,
  settingsEventDefinitions,
} from "@bot/domain";
import type { EventStore } from "@bot/eventstore";
import { DeciderStore, type ExecuteResult } from "./decider-store.ts";

const settingsDecider = {
  initialState: initialSettings,
  eventTypes: new Set<string>(settingsEventDefinitions.map((definition) => definition.type)),
  decide: decideSettings,
  evolve: evolveSettings,
};

/**
 * The operator settings (`settings` stream). `current()` reads the stream, so a
 * change is effective at once for invoices and credits; `cached()` serves the hot
 * path (every model charge) from memory, refreshed after this process's own changes
 * and at most `maxAgeMs` old otherwise.
 */
export class SettingsStore {
  readonly #streams: DeciderStore<SettingsState, SettingsCommand, SettingsEvent>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #cache: { state: SettingsState; at: number } | null = null;
  #refreshing: Promise<SettingsState> | null = null;

  constructor(
    store: EventStore<DomainEvent>,
    source: EventClock,
    options: { maxAgeMs?: number; now?: () => number } = {},
  ) {
    this.#streams = new DeciderStore(store, source, settingsDecider);
    this.#maxAgeMs = options.maxAgeMs ?? 5_000;
    this.#now = options.now ?? (() => Date.now());
  }

  /** The settings as the log has them now. */
  async current(): Promise<SettingsState> {
    const { state } = await this.#streams.load(SETTINGS_STREAM);
    this.#cache = { state, at: this.#now() };
    return state;
  }

  /**
   * The last settings read (the initial ones before any read), refreshed in the
   * background when older than `maxAgeMs`. Never waits for the store.
   */
  cached(): SettingsState {
    const cache = this.#cache;
    if (!cache || this.#now() - cache.at > this.#maxAgeMs) {
      this.#refreshing ??= this.current().finally(() => {
        this.#refreshing = null;
      });
      // A failed refresh keeps the old value; the next call tries again.
      this.#refreshing.catch(() => undefined);
    }
    return cache?.state ?? initialSettings;
  }

  /** Decides and appends an administrator's change; StarsPricingError for a margin out of range. */
  async execute(
    command: SettingsCommand,
    context: EventContext,
  ): Promise<ExecuteResult<SettingsState, SettingsEvent>> {
    const result = await this.#streams.execute(SETTINGS_STREAM, command, context);
    this.#cache = { state: result.state, at: this.#now() };
    return result;
  }
}
