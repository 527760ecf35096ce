import { type DomainEvent, nanoUsd, type UserCommand, userStream } from "@bot/domain";
import type { EventStore } from "@bot/eventstore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserAccountStore } from "../src/index.ts";
import { type Backend, backends } from "./support/backends.ts";
import { eventSource, wrapStore } from "./support/fakes.ts";

const source = eventSource();
let nextUser = 900_000 + Math.floor(Math.random() * 50_000);

/** A store that counts stream reads and append attempts. */
function countingStore(inner: EventStore<DomainEvent>) {
  const counts = { reads: 0, appends: 0 };
  const store = wrapStore(inner, {
    readStream: (stream, options) => {
      counts.reads++;
      return inner.readStream(stream, options);
    },
    append: (stream, events, options) => {
      counts.appends++;
      return inner.append(stream, events, options);
    },
  });
  return { store, counts };
}

const register: UserCommand = {
  type: "Register",
  starterBalance: nanoUsd(100_000_000),
  firstName: "New",
  username: null,
  languageCode: null,
};

for (const { name, create } of backends) {
  describe(`given user accounts over the ${name} event store`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await create();
    });
    afterAll(async () => {
      await backend?.close();
    });

    it("when a new user registers, then UserRegistered is appended without reading the stream first", async () => {
      const { store, counts } = countingStore(backend.store);
      const users = new UserAccountStore(store, source);
      const userId = nextUser++;
      const result = await users.execute(userId, register, { correlationId: "t", userId });
      expect(result.events.map((event) => event.type)).toEqual(["UserRegistered"]);
      expect(counts).toEqual({ reads: 0, appends: 1 });
      expect((await users.account(userId)).registered).toBe(true);
    });

    it("when a user with earlier events (but no registration) registers, then the conflict falls back to reading, and a second registration appends nothing", async () => {
      const users = new UserAccountStore(backend.store, source);
      const userId = nextUser++;
      await users.execute(
        userId,
        { type: "SetModelPreference", modelId: "claude-sonnet-4-5" },
        { correlationId: "t", userId },
      );
      const first = await users.execute(userId, register, { correlationId: "t", userId });
      expect(first.events.map((event) => event.type)).toEqual(["UserRegistered"]);
      const again = await users.execute(userId, register, { correlationId: "t", userId });
      expect(again.events).toEqual([]);
      const types: string[] = [];
      for await (const event of backend.store.readStream(userStream(userId))) types.push(event.type);
      expect(types).toEqual(["ModelPreferenceSet", "UserRegistered"]);
    });
  });
}
