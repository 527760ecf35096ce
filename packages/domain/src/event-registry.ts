import type { z } from "zod";
import {
  type AnyEvent,
  type Event,
  type EventClock,
  type EventContext,
  eventMetadataSchema,
  newMetadata,
} from "./envelope.ts";

/** Converts `data` written at version `n` into the shape of version `n + 1`. */
export type Upcaster = (data: unknown) => unknown;

/**
 * The definition of one event type: its current schema version, the zod schema of
 * its `data` at that version, and upcasters for older versions. Old events are
 * upcast on read and never rewritten.
 */
export interface EventDefinition<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly schema: z.ZodType<Data>;
  /** `upcasters[n]` converts version n data to version n + 1. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

/** The event type produced by a definition. */
export type EventOf<D> = D extends EventDefinition<infer T, infer Data> ? Event<T, Data> : never;

/**
 * Declares an event type. `schemaVersion` defaults to 1; a definition at version
 * n > 1 must provide upcasters for every version 1..n-1.
 */
export function defineEvent<const Type extends string, Data extends object>(definition: {
  type: Type;
  schema: z.ZodType<Data>;
  schemaVersion?: number;
  upcasters?: Readonly<Record<number, Upcaster>>;
}): EventDefinition<Type, Data> {
  const schemaVersion = definition.schemaVersion ?? 1;
  const upcasters = definition.upcasters ?? {};
  for (let version = 1; version < schemaVersion; version++) {
    if (!upcasters[version]) {
      throw new Error(`event ${definition.type} v${schemaVersion} has no upcaster from v${version}`);
    }
  }
  return { type: definition.type, schemaVersion, schema: definition.schema, upcasters };
}

/** Thrown on write when an event does not match its definition. Nothing is written. */
export class EventValidationError extends Error {
  override readonly name = "EventValidationError";
  constructor(
    readonly eventType: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`event ${eventType} is invalid: ${problem}`, options);
  }
}

/** Why a stored event could not be decoded. */
export type DecodeFailure = "unknown_type" | "newer_version" | "upcast_failed" | "invalid";

/**
 * Thrown on read when a stored event cannot be turned into a valid current event.
 * The event store wraps it with the stream and revision (CorruptEventError).
 */
export class EventDecodeError extends Error {
  override readonly name = "EventDecodeError";
  constructor(
    readonly eventType: string,
    readonly reason: DecodeFailure,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot decode ${eventType}: ${problem}`, options);
  }
}

/** A raw event as stored: data and metadata not yet validated. */
export interface RawEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** Validates events on write and decodes (upcast + validate) them on read. */
export interface EventCodec<E extends AnyEvent = AnyEvent> {
  /** Event types this codec knows. */
  readonly types: readonly E["type"][];
  has(type: string): type is E["type"];
  /** Validates an event about to be written; returns the normalised event. */
  encode(event: E): E;
  /** Upcasts and validates a stored event. */
  decode(raw: RawEvent): E;
}

/** A codec over a fixed set of definitions, with a typed event factory. */
export interface EventRegistry<E extends AnyEvent> extends EventCodec<E> {
  /** Builds a new event of `type` at the current schema version. */
  create<T extends E["type"]>(
    type: T,
    data: Extract<E, { type: T }>["data"],
    source: EventClock,
    context: EventContext,
  ): Extract<E, { type: T }>;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/** Creates a registry from event definitions. Type names must be unique. */
export function createEventRegistry<const Defs extends readonly EventDefinition<string, object>[]>(
  definitions: Defs,
): EventRegistry<EventOf<Defs[number]>> {
  type E = EventOf<Defs[number]>;
  const byType = new Map<string, EventDefinition<string, object>>();
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`event type ${definition.type} is defined twice`);
    byType.set(definition.type, definition);
  }

  const definitionOf = (type: string) => byType.get(type);

  return {
    types: [...byType.keys()] as E["type"][],
    has: (type: string): type is E["type"] => byType.has(type),
    encode(event: E): E {
      const definition = definitionOf(event.type);
      if (!definition) throw new EventValidationError(event.type, "unknown event type");
      const metadata = eventMetadataSchema.safeParse(event.metadata);
      if (!metadata.success)
        throw new EventValidationError(event.type, `metadata ${describeIssues(metadata.error)}`);
      if (metadata.data.schemaVersion !== definition.schemaVersion) {
        throw new EventValidationError(
          event.type,
          `metadata.schemaVersion is ${metadata.data.schemaVersion}, the current version is ${definition.schemaVersion}`,
        );
      }
      const data = definition.schema.safeParse(event.data);
      if (!data.success) throw new EventValidationError(event.type, `data ${describeIssues(data.error)}`);
      return { type: event.type, data: data.data, metadata: metadata.data } as E;
    },
    decode(raw: RawEvent): E {
      const definition = definitionOf(raw.type);
      if (!definition)
        throw new EventDecodeError(raw.type, "unknown_type", "no definition for this event type");
      const metadata = eventMetadataSchema.safeParse(raw.metadata);
      if (!metadata.success) {
        throw new EventDecodeError(raw.type, "invalid", `metadata ${describeIssues(metadata.error)}`);
      }
      const storedVersion = metadata.data.schemaVersion;
      if (storedVersion > definition.schemaVersion) {
        throw new EventDecodeError(
          raw.type,
          "newer_version",
          `stored at v${storedVersion}, this code knows up to v${definition.schemaVersion}`,
        );
      }
      let payload = raw.data;
      for (let version = storedVersion; version < definition.schemaVersion; version++) {
        const upcast = definition.upcasters[version];
        if (!upcast) throw new EventDecodeError(raw.type, "upcast_failed", `no upcaster from v${version}`);
        try {
          payload = upcast(payload);
        } catch (cause) {
          throw new EventDecodeError(raw.type, "upcast_failed", `upcaster from v${version} threw`, { cause });
        }
      }
      const data = definition.schema.safeParse(payload);
      if (!data.success)
        throw new EventDecodeError(raw.type, "invalid", `data ${describeIssues(data.error)}`);
      return {
        type: raw.type,
        data: data.data,
        metadata: { ...metadata.data, schemaVersion: definition.schemaVersion },
      } as E;
    },
    create(type, data, source, context) {
      const definition = definitionOf(type);
      if (!definition) throw new EventValidationError(type, "unknown event type");
      return { type, data, metadata: newMetadata(source, context, definition.schemaVersion) } as Extract<
        E,
        { type: typeof type }
      >;
    },
  };
}
