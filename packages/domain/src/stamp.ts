import type { AnyEvent, EventClock, EventContext } from "./envelope.ts";
import type { EventRegistry } from "./event-registry.ts";

/**
 * Turns decided event drafts (`{ type, data }`) into events: a fresh id and the
 * current instant from the injected sources, the correlation/causation context, and
 * the current schema version of each type.
 */
export function stampEvents<E extends AnyEvent>(
  registry: EventRegistry<E>,
  drafts: readonly { readonly type: E["type"]; readonly data: object }[],
  source: EventClock,
  context: EventContext,
): E[] {
  return drafts.map(
    (draft) =>
      registry.create(
        draft.type,
        draft.data as Extract<E, { type: typeof draft.type }>["data"],
        source,
        context,
      ) as E,
  );
}
