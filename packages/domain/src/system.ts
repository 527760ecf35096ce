import { randomUUID } from "node:crypto";
import type { Clock, IdGenerator } from "./clock.ts";

/**
 * The impure edge of the domain: the wall clock and random UUIDs. Only
 * composition roots (services, scripts) import this module; domain logic receives
 * a {@link Clock} and an {@link IdGenerator}.
 */
export const systemClock: Clock = { now: () => new Date() };

/** Random v4 UUIDs from node:crypto. */
export const randomIds: IdGenerator = { uuid: () => randomUUID() };
