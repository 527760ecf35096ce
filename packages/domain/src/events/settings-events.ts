import { z } from "zod";
import { defineEvent, type EventOf } from "../event-registry.ts";
import { basisPoints, positiveId } from "./fields.ts";

/** An administrator set the owner's margin k3, effective at once for new invoices and credits. */
export const MarginSet = defineEvent({
  type: "MarginSet",
  schema: z.strictObject({
    adminId: positiveId,
    k3BasisPoints: basisPoints,
    previousK3BasisPoints: basisPoints,
  }),
});
export type MarginSet = EventOf<typeof MarginSet>;

/**
 * An administrator switched the cache-write subsidy: on, the owner absorbs the
 * cache-write part of model charges (each UsageCharged records whether it applied).
 */
export const CacheSubsidySet = defineEvent({
  type: "CacheSubsidySet",
  schema: z.strictObject({
    adminId: positiveId,
    enabled: z.boolean(),
  }),
});
export type CacheSubsidySet = EventOf<typeof CacheSubsidySet>;

/** Every event definition of the `settings` stream. */
export const settingsEventDefinitions = [MarginSet, CacheSubsidySet] as const;

/** Any event of the `settings` stream. */
export type SettingsEvent = EventOf<(typeof settingsEventDefinitions)[number]>;
