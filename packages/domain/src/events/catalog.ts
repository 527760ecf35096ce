import { createEventRegistry, type EventOf } from "../event-registry.ts";
import { announcementEventDefinitions } from "./announcement-events.ts";
import { settingsEventDefinitions } from "./settings-events.ts";
import { threadEventDefinitions } from "./thread-events.ts";
import { userEventDefinitions } from "./user-events.ts";

/** Every event definition of the product, in one registry (docs/event-catalogue.md). */
export const domainEventDefinitions = [
  ...threadEventDefinitions,
  ...userEventDefinitions,
  ...settingsEventDefinitions,
  ...announcementEventDefinitions,
] as const;

/** Any event of the product. */
export type DomainEvent = EventOf<(typeof domainEventDefinitions)[number]>;

/** The codec the event store uses: validates on write, upcasts and validates on read. */
export const domainEvents = createEventRegistry(domainEventDefinitions);
