import { z } from "zod";

/** A Telegram chat id (negative for groups). */
export const telegramId = z.number().int();
/** A positive id: Telegram user and message ids, topic ids. */
export const positiveId = z.number().int().positive();
/** A count: tokens, Stars, sequence numbers. */
export const count = z.number().int().nonnegative();
/** Integer nano-USD (see money.ts); may be negative only where stated. */
export const nanoUsdAmount = z
  .number()
  .int()
  .refine(Number.isSafeInteger, "must be a safe integer of nano-USD");
/** Non-negative integer nano-USD. */
export const nonNegativeNanoUsd = nanoUsdAmount.refine((value) => value >= 0, "must not be negative");
/** A share in basis points (1/100 of a percent): 0..10 000. */
export const basisPoints = z.number().int().min(0).max(10_000);
/** An ISO-8601 instant with offset. */
export const instant = z.iso.datetime({ offset: true });
