import { z } from "zod";
import { defineEvent, type EventOf } from "../event-registry.ts";
import { basisPoints, instant, nanoUsdAmount, nonNegativeNanoUsd, positiveId } from "./fields.ts";

/** Telegram's id of a Stars payment: the idempotency key of everything about it. */
const chargeId = z.string().min(1).max(256);

/** Shortest personality prompt accepted (characters, after trimming). */
export const PERSONALITY_MIN_LENGTH = 10;
/** Longest personality prompt accepted (characters, after trimming). */
export const PERSONALITY_MAX_LENGTH = 4000;

/** The user's default model for threads without an override. */
export const ModelPreferenceSet = defineEvent({
  type: "ModelPreferenceSet",
  schema: z.strictObject({
    modelId: z.string().min(1),
    previousModelId: z.string().min(1).nullable(),
  }),
});
export type ModelPreferenceSet = EventOf<typeof ModelPreferenceSet>;

/** The user's personality prompt, added to the system prompt of their threads from the next turn. */
export const PersonalitySet = defineEvent({
  type: "PersonalitySet",
  schema: z.strictObject({
    text: z.string().min(PERSONALITY_MIN_LENGTH).max(PERSONALITY_MAX_LENGTH),
  }),
});
export type PersonalitySet = EventOf<typeof PersonalitySet>;

/** The user removed their personality prompt. */
export const PersonalityCleared = defineEvent({
  type: "PersonalityCleared",
  schema: z.strictObject({}),
});
export type PersonalityCleared = EventOf<typeof PersonalityCleared>;

/**
 * The user's account was opened, with the starter balance every new user gets (so the
 * ledger explains every cent from the first one). Recorded once, at the user's first
 * update.
 */
export const UserRegistered = defineEvent({
  type: "UserRegistered",
  schema: z.strictObject({
    starterBalance: nonNegativeNanoUsd,
    firstName: z.string(),
    username: z.string().nullable(),
    languageCode: z.string().nullable(),
  }),
});
export type UserRegistered = EventOf<typeof UserRegistered>;

/**
 * A pre-checkout query passed every check (signature, payer, amount, currency, expiry,
 * margin) and was approved. Appending it is also the proof, at that moment, that the
 * store accepts writes.
 */
export const CheckoutApproved = defineEvent({
  type: "CheckoutApproved",
  schema: z.strictObject({
    preCheckoutQueryId: z.string().min(1).max(256),
    stars: positiveId,
    invoiceIssuedAt: instant,
    marginBasisPoints: basisPoints,
  }),
});
export type CheckoutApproved = EventOf<typeof CheckoutApproved>;

/**
 * Telegram confirmed a Stars payment and the user's balance was credited. Idempotent
 * on `telegramPaymentChargeId`: a redelivered payment appends nothing. The amounts
 * are exactly `stars × nominal × (1 − k1 − k2 − k3)` in nano-USD.
 */
export const PaymentCredited = defineEvent({
  type: "PaymentCredited",
  schema: z.strictObject({
    telegramPaymentChargeId: chargeId,
    providerPaymentChargeId: z.string().max(256),
    stars: positiveId,
    /** What the Stars are worth before commissions (stars × $0.013). */
    nominalAmount: nonNegativeNanoUsd,
    /** Telegram's withdrawal fee. */
    k1BasisPoints: basisPoints,
    /** The fee for topics in private chats. */
    k2BasisPoints: basisPoints,
    /** The owner's margin in effect when the payment was credited. */
    k3BasisPoints: basisPoints,
    creditedAmount: nonNegativeNanoUsd,
    /** When the invoice was issued, from its signed payload; null if the payload was not ours. */
    invoiceIssuedAt: instant.nullable(),
    /** False when the payload's signature did not verify (credited anyway: the Stars were paid). */
    payloadVerified: z.boolean(),
  }),
});
export type PaymentCredited = EventOf<typeof PaymentCredited>;

/**
 * The payer asked for a refund that passed every check; the credited amount is
 * reserved (taken from the balance) until Telegram's answer settles it.
 */
export const RefundRequested = defineEvent({
  type: "RefundRequested",
  schema: z.strictObject({
    telegramPaymentChargeId: chargeId,
    refundId: z.uuid(),
    stars: positiveId,
    reservedAmount: nonNegativeNanoUsd,
  }),
});
export type RefundRequested = EventOf<typeof RefundRequested>;

/**
 * The Stars went back to the payer. `amountDebited` is what this event takes from the
 * balance: 0 when a RefundRequested reserved it already, the credited amount when the
 * refund happened outside the bot (a `refunded_payment` update nobody asked for here).
 */
export const PaymentRefunded = defineEvent({
  type: "PaymentRefunded",
  schema: z.strictObject({
    telegramPaymentChargeId: chargeId,
    refundId: z.uuid().nullable(),
    stars: positiveId,
    amountDebited: nonNegativeNanoUsd,
    settledBy: z.enum(["refund_call", "already_refunded", "refunded_payment_update"]),
  }),
});
export type PaymentRefunded = EventOf<typeof PaymentRefunded>;

/** Telegram refused the refund; the reservation goes back to the balance. */
export const RefundFailed = defineEvent({
  type: "RefundFailed",
  schema: z.strictObject({
    telegramPaymentChargeId: chargeId,
    refundId: z.uuid(),
    reason: z.string().min(1).max(1000),
    releasedAmount: nonNegativeNanoUsd,
  }),
});
export type RefundFailed = EventOf<typeof RefundFailed>;

/** An administrator changed the balance by hand (positive: credit, negative: debit). */
export const BalanceAdjusted = defineEvent({
  type: "BalanceAdjusted",
  schema: z.strictObject({
    adminId: positiveId,
    amount: nanoUsdAmount.refine((value) => value !== 0, "must not be zero"),
    reason: z.string().max(500).nullable(),
  }),
});
export type BalanceAdjusted = EventOf<typeof BalanceAdjusted>;

/** Every user-stream event definition. */
export const userEventDefinitions = [
  ModelPreferenceSet,
  PersonalitySet,
  PersonalityCleared,
  UserRegistered,
  CheckoutApproved,
  PaymentCredited,
  RefundRequested,
  PaymentRefunded,
  RefundFailed,
  BalanceAdjusted,
] as const;

/** Any event of a user stream. */
export type UserEvent = EventOf<(typeof userEventDefinitions)[number]>;
