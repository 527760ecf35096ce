import { randomUUID } from "node:crypto";
import { createEventRegistry, defineEvent, type EventOf } from "@bot/domain";
import { z } from "zod";

/** Test event: an item was added to a basket. */
export const ItemAdded = defineEvent({
  type: "ItemAdded",
  schema: z.strictObject({ sku: z.string().min(1), quantity: z.number().int().positive() }),
});
/** Test event: an item was removed. */
export const ItemRemoved = defineEvent({
  type: "ItemRemoved",
  schema: z.strictObject({ sku: z.string().min(1) }),
});
/** Test event at schema version 2; v1 had `{ note }`. */
export const NoteWritten = defineEvent({
  type: "NoteWritten",
  schemaVersion: 2,
  schema: z.strictObject({ text: z.string(), tags: z.array(z.string()) }),
  upcasters: {
    1: (data) => {
      const v1 = z.strictObject({ note: z.string() }).parse(data);
      return { text: v1.note, tags: [] };
    },
  },
});

/** The events of the contract suite. */
export const testEvents = createEventRegistry([ItemAdded, ItemRemoved, NoteWritten]);
export type TestEvent = EventOf<typeof ItemAdded> | EventOf<typeof ItemRemoved> | EventOf<typeof NoteWritten>;

/** The same events as written by older code: NoteWritten at v1. */
export const NoteWrittenV1 = defineEvent({
  type: "NoteWritten",
  schema: z.strictObject({ note: z.string() }),
});
export const olderTestEvents = createEventRegistry([ItemAdded, ItemRemoved, NoteWrittenV1]);
export type OlderTestEvent =
  | EventOf<typeof ItemAdded>
  | EventOf<typeof ItemRemoved>
  | EventOf<typeof NoteWrittenV1>;

/** A buggy writer that accepted any quantity: what it stored no longer decodes. */
export const LaxItemAdded = defineEvent({
  type: "ItemAdded",
  schema: z.strictObject({ sku: z.string(), quantity: z.number() }),
});
export const laxTestEvents = createEventRegistry([LaxItemAdded, ItemRemoved, NoteWritten]);
export type LaxTestEvent = EventOf<typeof LaxItemAdded>;

/** Builds a test event with a fresh id (or the given one). */
export function makeEvent<E extends { type: string; data: object }>(
  type: E["type"],
  data: E["data"],
  options: { eventId?: string; schemaVersion?: number; correlationId?: string } = {},
): E & { metadata: import("@bot/domain").EventMetadata } {
  return {
    type,
    data,
    metadata: {
      eventId: options.eventId ?? randomUUID(),
      occurredAt: new Date().toISOString(),
      correlationId: options.correlationId ?? "contract-test",
      causationId: null,
      userId: null,
      schemaVersion: options.schemaVersion ?? 1,
    },
  } as E & { metadata: import("@bot/domain").EventMetadata };
}

/** An ItemAdded event. */
export function itemAdded(sku: string, quantity = 1, eventId?: string): TestEvent {
  return makeEvent<TestEvent>("ItemAdded", { sku, quantity }, eventId ? { eventId } : {});
}

/** A unique stream-name prefix for one test, so tests sharing a database never see each other. */
export function uniquePrefix(label: string): string {
  return `t${randomUUID().slice(0, 8)}-${label}-`;
}
