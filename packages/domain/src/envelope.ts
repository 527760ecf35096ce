import { z } from "zod";
import type { Clock, IdGenerator } from "./clock.ts";

/**
 * Metadata every stored event carries. `occurredAt` comes from an injected clock,
 * `eventId` from an injected id generator; `correlationId` is the Telegram update
 * (or operator command) that started the chain, `causationId` the event or command
 * that directly caused this one.
 */
export interface EventMetadata {
  /** UUID; also the idempotency key of the append that wrote the event. */
  readonly eventId: string;
  /** ISO-8601 instant with offset, from the injected clock. */
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** Telegram user the event concerns, or null for system/operator events. */
  readonly userId: number | null;
  /** Version of the `data` schema the event was written with (upcast on read). */
  readonly schemaVersion: number;
}

/** Zod schema for {@link EventMetadata}, applied on write and on read. */
export const eventMetadataSchema = z.object({
  eventId: z.uuid(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(256),
  causationId: z.string().min(1).max(256).nullable(),
  userId: z.number().int().nullable(),
  schemaVersion: z.number().int().min(1),
});

/**
 * An event: a fact, named in the past tense, as `{ type, data, metadata }`.
 * Immutable by type.
 */
export type Event<Type extends string = string, Data extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  metadata: EventMetadata;
}>;

/** Any event. */
export type AnyEvent = Event<string, object>;

/** Where an event comes from: correlation and causation, plus the user it concerns. */
export interface EventContext {
  readonly correlationId: string;
  readonly causationId?: string | null;
  readonly userId?: number | null;
}

/** Injected sources of time and identity for building events. */
export interface EventClock {
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * Builds the metadata for a new event: a fresh id and the current instant from the
 * injected sources, the given context, and the current schema version.
 */
export function newMetadata(source: EventClock, context: EventContext, schemaVersion: number): EventMetadata {
  return {
    eventId: source.ids.uuid(),
    occurredAt: source.clock.now().toISOString(),
    correlationId: context.correlationId,
    causationId: context.causationId ?? null,
    userId: context.userId ?? null,
    schemaVersion,
  };
}
