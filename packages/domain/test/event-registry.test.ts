import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  createEventRegistry,
  type DomainEvent,
  defineEvent,
  domainEvents,
  EventDecodeError,
  type EventMetadata,
  type EventOf,
  EventValidationError,
  fixedClock,
  type RawEvent,
  sequentialIds,
} from "../src/index.ts";

const T0 = "2024-05-01T12:00:00.000Z";

/** v1 `{ name }` → v2 `{ fullName }` → v3 `{ fullName, tags }`; each upcaster logs its call. */
function renamedEvent(calls: string[] = [], options: { failAt?: number } = {}) {
  return defineEvent({
    type: "PersonRenamed",
    schemaVersion: 3,
    schema: z.strictObject({ fullName: z.string().min(1), tags: z.array(z.string()) }),
    upcasters: {
      1: (data) => {
        calls.push(`1->2:${JSON.stringify(data)}`);
        if (options.failAt === 1) throw new Error("v1 data is broken");
        const v1 = z.strictObject({ name: z.string() }).parse(data);
        return { fullName: v1.name };
      },
      2: (data) => {
        calls.push(`2->3:${JSON.stringify(data)}`);
        if (options.failAt === 2) throw new Error("v2 data is broken");
        const v2 = z.strictObject({ fullName: z.string() }).parse(data);
        return { ...v2, tags: ["migrated"] };
      },
    },
  });
}

const NoteTaken = defineEvent({
  type: "NoteTaken",
  schema: z.strictObject({ text: z.string(), pinned: z.boolean() }),
});

function testRegistry(calls: string[] = [], options: { failAt?: number } = {}) {
  return createEventRegistry([NoteTaken, renamedEvent(calls, options)]);
}

type NoteTakenEvent = EventOf<typeof NoteTaken>;

function source() {
  return { clock: fixedClock(T0), ids: sequentialIds() };
}

function validNote(): NoteTakenEvent {
  return testRegistry().create("NoteTaken", { text: "hello", pinned: false }, source(), {
    correlationId: "update-1",
  });
}

function metadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    eventId: "00000000-0000-4000-8000-000000000001",
    occurredAt: T0,
    correlationId: "update-1",
    causationId: null,
    userId: 42,
    schemaVersion: 1,
    ...overrides,
  };
}

function catchError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

function validationError(work: () => unknown): EventValidationError {
  const error = catchError(work);
  expect(error).toBeInstanceOf(EventValidationError);
  return error as EventValidationError;
}

function decodeError(work: () => unknown): EventDecodeError {
  const error = catchError(work);
  expect(error).toBeInstanceOf(EventDecodeError);
  return error as EventDecodeError;
}

describe("given a registry encoding events for writing", () => {
  it("when the event is valid, then encode returns an equal, normalised event", () => {
    const registry = testRegistry();
    const event = validNote();
    expect(registry.encode(event)).toEqual(event);
    // Unknown metadata keys are dropped by the metadata schema.
    const extra = { ...event, metadata: { ...event.metadata, debug: true } as EventMetadata };
    expect(registry.encode(extra).metadata).toEqual(event.metadata);
  });

  it.each([
    ["eventId", { eventId: "not-a-uuid" }],
    ["eventId", { eventId: "" }],
    ["occurredAt", { occurredAt: "yesterday" }],
    ["occurredAt", { occurredAt: "2024-05-01T12:00:00" }],
    ["correlationId", { correlationId: "" }],
    ["userId", { userId: 1.5 }],
    ["schemaVersion", { schemaVersion: 0 }],
  ] as const)("when metadata %s is invalid (%j), then EventValidationError names the field", (field, bad) => {
    const event = validNote();
    const error = validationError(() =>
      testRegistry().encode({ ...event, metadata: { ...event.metadata, ...bad } }),
    );
    expect(error.eventType).toBe("NoteTaken");
    expect(error.problem).toContain("metadata");
    expect(error.problem).toContain(field);
  });

  it("when metadata states another schema version than the current one, then it is refused naming schemaVersion", () => {
    const event = validNote();
    const error = validationError(() =>
      testRegistry().encode({ ...event, metadata: { ...event.metadata, schemaVersion: 2 } }),
    );
    expect(error.problem).toContain("metadata.schemaVersion is 2");
    expect(error.problem).toContain("current version is 1");
  });

  it("when the data does not match the schema, then EventValidationError names the data field", () => {
    const event = validNote();
    const registry = testRegistry();
    const wrongType = validationError(() =>
      registry.encode({ ...event, data: { text: 7, pinned: false } } as unknown as NoteTakenEvent),
    );
    expect(wrongType.problem).toMatch(/^data text: /);
    const extraKey = validationError(() =>
      registry.encode({ ...event, data: { ...event.data, colour: "red" } } as unknown as NoteTakenEvent),
    );
    expect(extraKey.problem).toContain("data");
    expect(extraKey.problem).toContain("colour");
    const missing = validationError(() =>
      registry.encode({ ...event, data: { text: "x" } } as unknown as NoteTakenEvent),
    );
    expect(missing.problem).toContain("pinned");
  });

  it("when the event type is unknown, then encode refuses it", () => {
    const event = validNote();
    const error = validationError(() =>
      testRegistry().encode({ ...event, type: "NoteDeleted" } as unknown as NoteTakenEvent),
    );
    expect(error.eventType).toBe("NoteDeleted");
    expect(error.problem).toBe("unknown event type");
    expect(error.message).toContain("NoteDeleted");
  });
});

describe("given stored events of older schema versions", () => {
  it("when a v1 event is decoded, then the upcasters run v1→v2→v3 in order and the result is current", () => {
    const calls: string[] = [];
    const decoded = testRegistry(calls).decode({
      type: "PersonRenamed",
      data: { name: "Ada" },
      metadata: metadata({ schemaVersion: 1 }),
    });
    expect(calls).toEqual(['1->2:{"name":"Ada"}', '2->3:{"fullName":"Ada"}']);
    expect(decoded.data).toEqual({ fullName: "Ada", tags: ["migrated"] });
    expect(decoded.metadata.schemaVersion).toBe(3);
    expect(decoded.metadata.userId).toBe(42);
  });

  it("when a v2 event is decoded, then only the v2→v3 upcaster runs", () => {
    const calls: string[] = [];
    const decoded = testRegistry(calls).decode({
      type: "PersonRenamed",
      data: { fullName: "Grace" },
      metadata: metadata({ schemaVersion: 2 }),
    });
    expect(calls).toEqual(['2->3:{"fullName":"Grace"}']);
    expect(decoded.data).toEqual({ fullName: "Grace", tags: ["migrated"] });
  });

  it("when a current event is decoded, then no upcaster runs", () => {
    const calls: string[] = [];
    const decoded = testRegistry(calls).decode({
      type: "PersonRenamed",
      data: { fullName: "Linus", tags: [] },
      metadata: metadata({ schemaVersion: 3 }),
    });
    expect(calls).toEqual([]);
    expect(decoded.data).toEqual({ fullName: "Linus", tags: [] });
  });

  it("when the stored version is newer than the code knows, then decoding fails with newer_version", () => {
    const calls: string[] = [];
    const error = decodeError(() =>
      testRegistry(calls).decode({
        type: "PersonRenamed",
        data: { fullName: "X", tags: [], extra: 1 },
        metadata: metadata({ schemaVersion: 4 }),
      }),
    );
    expect(error.reason).toBe("newer_version");
    expect(error.eventType).toBe("PersonRenamed");
    expect(error.problem).toContain("v4");
    expect(calls).toEqual([]);
  });

  it.each([1, 2])(
    "when the upcaster from v%i throws, then decoding fails with upcast_failed and the cause",
    (at) => {
      const error = decodeError(() =>
        testRegistry([], { failAt: at }).decode({
          type: "PersonRenamed",
          data: { name: "Ada" },
          metadata: metadata({ schemaVersion: 1 }),
        }),
      );
      expect(error.reason).toBe("upcast_failed");
      expect(error.problem).toContain(`v${at}`);
      expect(error.cause).toBeInstanceOf(Error);
      expect((error.cause as Error).message).toBe(`v${at} data is broken`);
    },
  );

  it("when the upcaster cannot read the old data, then the zod error is kept as the cause", () => {
    const error = decodeError(() =>
      testRegistry().decode({
        type: "PersonRenamed",
        data: { nom: "Ada" },
        metadata: metadata({ schemaVersion: 1 }),
      }),
    );
    expect(error.reason).toBe("upcast_failed");
    expect(error.cause).toBeInstanceOf(z.ZodError);
  });

  it("when the type is unknown, then decoding fails with unknown_type", () => {
    const error = decodeError(() =>
      testRegistry().decode({ type: "Mystery", data: {}, metadata: metadata() }),
    );
    expect(error.reason).toBe("unknown_type");
    expect(error.eventType).toBe("Mystery");
  });

  it("when the stored metadata or the upcast data is invalid, then decoding fails with invalid", () => {
    const badMetadata = decodeError(() =>
      testRegistry().decode({
        type: "NoteTaken",
        data: { text: "a", pinned: true },
        metadata: { ...metadata(), occurredAt: "soon" },
      }),
    );
    expect(badMetadata.reason).toBe("invalid");
    expect(badMetadata.problem).toContain("occurredAt");
    const badData = decodeError(() =>
      testRegistry().decode({
        type: "PersonRenamed",
        data: { name: "" },
        metadata: metadata({ schemaVersion: 1 }),
      }),
    );
    expect(badData.reason).toBe("invalid");
    expect(badData.problem).toContain("fullName");
    const notAnObject = decodeError(() =>
      testRegistry().decode({ type: "NoteTaken", data: { text: "a", pinned: true }, metadata: null }),
    );
    expect(notAnObject.reason).toBe("invalid");
  });
});

describe("given event definitions", () => {
  it("when a v3 definition lacks the upcaster from v2, then defineEvent refuses it", () => {
    expect(() =>
      defineEvent({
        type: "Broken",
        schemaVersion: 3,
        schema: z.object({}),
        upcasters: { 1: (data) => data },
      }),
    ).toThrow(/Broken v3 has no upcaster from v2/);
    expect(() => defineEvent({ type: "Broken", schemaVersion: 2, schema: z.object({}) })).toThrow(
      /no upcaster from v1/,
    );
    expect(() =>
      defineEvent({
        type: "Broken",
        schemaVersion: 3,
        schema: z.object({}),
        upcasters: { 2: (data) => data },
      }),
    ).toThrow(/no upcaster from v1/);
  });

  it("when a version is given without upcasters beyond what it needs, then the default version is 1", () => {
    const definition = defineEvent({ type: "Simple", schema: z.object({}) });
    expect(definition.schemaVersion).toBe(1);
    expect(definition.upcasters).toEqual({});
  });

  it("when two definitions share a type, then the registry refuses them", () => {
    const again = defineEvent({ type: "NoteTaken", schema: z.object({}) });
    expect(() => createEventRegistry([NoteTaken, again])).toThrow(/NoteTaken is defined twice/);
  });

  it("when asked what it knows, then the registry lists its types and answers has()", () => {
    const registry = testRegistry();
    expect(registry.types).toEqual(["NoteTaken", "PersonRenamed"]);
    expect(registry.has("PersonRenamed")).toBe(true);
    expect(registry.has("Mystery")).toBe(false);
  });
});

describe("given an injected clock and id generator", () => {
  it("when events are created, then they take the clock's time, sequential ids and the current version", () => {
    const registry = testRegistry();
    const clock = fixedClock(T0);
    const ids = sequentialIds();
    const first = registry.create(
      "NoteTaken",
      { text: "a", pinned: false },
      { clock, ids },
      {
        correlationId: "update-7",
      },
    );
    clock.advance(1500);
    const second = registry.create(
      "PersonRenamed",
      { fullName: "Ada", tags: [] },
      { clock, ids },
      {
        correlationId: "update-7",
        causationId: first.metadata.eventId,
        userId: 99,
      },
    );
    expect(first.metadata).toEqual({
      eventId: "00000000-0000-4000-8000-000000000001",
      occurredAt: T0,
      correlationId: "update-7",
      causationId: null,
      userId: null,
      schemaVersion: 1,
    });
    expect(second.metadata).toEqual({
      eventId: "00000000-0000-4000-8000-000000000002",
      occurredAt: "2024-05-01T12:00:01.500Z",
      correlationId: "update-7",
      causationId: "00000000-0000-4000-8000-000000000001",
      userId: 99,
      schemaVersion: 3,
    });
    // What create builds passes encode unchanged.
    expect(registry.encode(first)).toEqual(first);
    expect(registry.encode(second)).toEqual(second);
  });

  it("when sequential ids start elsewhere, then they count from there in hex", () => {
    const ids = sequentialIds(255);
    expect(ids.uuid()).toBe("00000000-0000-4000-8000-0000000000ff");
    expect(ids.uuid()).toBe("00000000-0000-4000-8000-000000000100");
  });

  it("when the type is unknown, then create refuses it", () => {
    const registry = testRegistry();
    const error = validationError(() =>
      registry.create("Mystery" as "NoteTaken", { text: "", pinned: false }, source(), {
        correlationId: "c",
      }),
    );
    expect(error.eventType).toBe("Mystery");
  });
});

/** Encodes for writing, stores as JSON, decodes on read: what the event store does. */
function roundTrip(event: DomainEvent): DomainEvent {
  const encoded = domainEvents.encode(event);
  const stored = JSON.parse(JSON.stringify(encoded)) as RawEvent;
  return domainEvents.decode(stored);
}

describe("given the product's domain events", () => {
  const context = { correlationId: "update-100", userId: 7 };

  it("when a MessageReceived, ModelSelected and ContextReset are created, then each round-trips", () => {
    const clock = fixedClock(T0);
    const ids = sequentialIds();
    const message = domainEvents.create(
      "MessageReceived",
      {
        chatId: -1001234567890,
        topicId: 12,
        userId: 7,
        chatType: "supergroup",
        messageId: 55,
        updateId: 0,
        text: "Hello there",
        sentAt: "2024-05-01T11:59:59Z",
        replyToMessageId: null,
        from: { username: null, firstName: "Ada", languageCode: "en" },
      },
      { clock, ids },
      context,
    );
    const model = domainEvents.create(
      "ModelSelected",
      { modelId: "claude-sonnet", previousModelId: null },
      { clock, ids },
      { ...context, causationId: message.metadata.eventId },
    );
    const reset = domainEvents.create("ContextReset", { reason: "command" }, { clock, ids }, context);
    for (const event of [message, model, reset]) expect(roundTrip(event)).toEqual(event);
    expect(domainEvents.types).toEqual([
      "MessageReceived",
      "MessageEdited",
      "ModelSelected",
      "ContextReset",
      "GenerationStarted",
      "ChunkStreamed",
      "GenerationCompleted",
      "GenerationCancelled",
      "GenerationInterrupted",
      "GenerationFailed",
      "GenerationRefused",
      "UsageCharged",
      "ToolCalled",
      "ToolCompleted",
      "ToolCharged",
      "FileReceived",
      "FileDelivered",
      "FileUploaded",
      "ProviderFileDeleted",
      "FileTranscribed",
      "ToolSessionOpened",
      "ToolSessionClosed",
      "AnswerMessageSent",
      "AnswerDelivered",
      "ModelPreferenceSet",
      "PersonalitySet",
      "PersonalityCleared",
      "UserRegistered",
      "CheckoutApproved",
      "PaymentCredited",
      "RefundRequested",
      "PaymentRefunded",
      "RefundFailed",
      "BalanceAdjusted",
      "MarginSet",
      "CacheSubsidySet",
      "AnnouncementStarted",
      "AnnouncementCompleted",
    ]);
  });

  it("when arbitrary valid MessageReceived data is stored, then decoding returns it unchanged", () => {
    const positive = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
    const data = fc.record({
      chatId: fc.maxSafeInteger(),
      topicId: fc.option(positive, { nil: null }),
      userId: positive,
      chatType: fc.constantFrom("private" as const, "group" as const, "supergroup" as const),
      messageId: positive,
      updateId: fc.nat(),
      text: fc.string({ unit: "binary" }),
      sentAt: fc
        .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((date) => date.toISOString()),
      replyToMessageId: fc.option(positive, { nil: null }),
      from: fc.record({
        username: fc.option(fc.string(), { nil: null }),
        firstName: fc.string(),
        languageCode: fc.option(fc.string({ maxLength: 5 }), { nil: null }),
      }),
    });
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 1_000_000 }), (payload, start) => {
        const event = domainEvents.create(
          "MessageReceived",
          payload,
          { clock: fixedClock(T0), ids: sequentialIds(start) },
          { correlationId: "prop" },
        );
        expect(roundTrip(event)).toEqual(event);
      }),
    );
  });

  it("when a domain event has invalid data, then encode refuses it naming the field", () => {
    const reset = domainEvents.create(
      "ContextReset",
      { reason: "timeout" as "command" },
      { clock: fixedClock(T0), ids: sequentialIds() },
      { correlationId: "c" },
    );
    expect(validationError(() => domainEvents.encode(reset)).problem).toContain("reason");
    const model = domainEvents.create(
      "ModelSelected",
      { modelId: "", previousModelId: null },
      { clock: fixedClock(T0), ids: sequentialIds() },
      { correlationId: "c" },
    );
    expect(validationError(() => domainEvents.encode(model)).problem).toContain("modelId");
  });
});
