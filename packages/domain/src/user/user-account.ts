import {
  type PaymentRefunded,
  PERSONALITY_MAX_LENGTH,
  PERSONALITY_MIN_LENGTH,
  type UserEvent,
} from "../events/user-events.ts";
import { type NanoUsd, nanoUsd } from "../money.ts";
import { REFUND_WINDOW_DAYS } from "../payments/balance-policy.ts";
import type { StarsCredit } from "../payments/stars-pricing.ts";
import type { EventDraft } from "../thread/decide-thread.ts";

/** Where a payment's refund stands. */
export type RefundState =
  | { readonly status: "none"; readonly failures: number; readonly lastFailure: string | null }
  | {
      readonly status: "pending";
      readonly refundId: string;
      readonly reservedAmount: number;
      readonly failures: number;
    }
  | {
      readonly status: "refunded";
      readonly refundId: string | null;
      readonly settledBy: PaymentRefunded["data"]["settledBy"];
    };

/** One Stars payment as the user's stream knows it. */
export interface PaymentRecord {
  readonly telegramPaymentChargeId: string;
  readonly stars: number;
  readonly creditedAmount: number;
  /** When it was credited (the event's occurredAt): the refund window starts here. */
  readonly creditedAt: string;
  readonly refund: RefundState;
}

/**
 * A user's account as its own stream tells it. The balance is not here: charges are
 * recorded in the thread streams, so the balance is the balances read model's sum
 * over both (see docs/architecture.md, "Money").
 */
export interface UserAccountState {
  readonly defaultModelId: string | null;
  readonly personality: string | null;
  /** Whether UserRegistered (the starter balance) is recorded. */
  readonly registered: boolean;
  /** Stars payments by Telegram charge id. */
  readonly payments: Readonly<Record<string, PaymentRecord>>;
}

/** A user with no events. */
export const initialUserAccount: UserAccountState = Object.freeze({
  defaultModelId: null,
  personality: null,
  registered: false,
  payments: Object.freeze({}),
});

/** A user-stream event before metadata. */
export type UserEventDraft = EventDraft<UserEvent>;

/** How a refund attempt ended, as Telegram told it. */
export type RefundOutcome =
  | { readonly kind: "refunded"; readonly settledBy: "refund_call" | "already_refunded" }
  | { readonly kind: "failed"; readonly reason: string };

/** What can be asked of a user's account now. */
export type UserCommand =
  | { readonly type: "SetModelPreference"; readonly modelId: string }
  | { readonly type: "SetPersonality"; readonly text: string }
  | { readonly type: "ClearPersonality" }
  | {
      readonly type: "Register";
      readonly starterBalance: NanoUsd;
      readonly firstName: string;
      readonly username: string | null;
      readonly languageCode: string | null;
    }
  | {
      readonly type: "ApproveCheckout";
      readonly preCheckoutQueryId: string;
      readonly stars: number;
      readonly invoiceIssuedAt: string;
      readonly marginBasisPoints: number;
    }
  | {
      readonly type: "CreditPayment";
      readonly telegramPaymentChargeId: string;
      readonly providerPaymentChargeId: string;
      readonly credit: StarsCredit;
      readonly invoiceIssuedAt: string | null;
      readonly payloadVerified: boolean;
    }
  | {
      readonly type: "RequestRefund";
      readonly telegramPaymentChargeId: string;
      readonly refundId: string;
      /** The decision's "now" (injected), for the refund window. */
      readonly now: string;
      /** The user's balance, from the balances read model caught up to the log's head. */
      readonly balance: NanoUsd;
    }
  | {
      readonly type: "SettleRefund";
      readonly telegramPaymentChargeId: string;
      readonly refundId: string;
      readonly outcome: RefundOutcome;
    }
  | { readonly type: "RecordRefundedPayment"; readonly telegramPaymentChargeId: string }
  | {
      readonly type: "AdjustBalance";
      readonly adminId: number;
      readonly amount: NanoUsd;
      readonly reason: string | null;
    };

/** A personality text that is too short or too long. */
export class PersonalityLengthError extends Error {
  override readonly name = "PersonalityLengthError";
  constructor(
    readonly problem: "too_short" | "too_long",
    readonly length: number,
    readonly limit: number,
  ) {
    super(
      `personality is ${problem === "too_short" ? "shorter" : "longer"} than ${limit} characters (${length})`,
    );
  }
}

/** Why a refund cannot be made. */
export type RefundRefusal =
  | "unknown_payment"
  | "already_refunded"
  | "refund_in_progress"
  | "window_passed"
  | "balance_too_low";

/** A refund the rules do not allow; `payment` is set when the payment is the caller's. */
export class RefundRefusedError extends Error {
  override readonly name = "RefundRefusedError";
  constructor(
    readonly reason: RefundRefusal,
    readonly payment: PaymentRecord | null,
    readonly balance: NanoUsd,
  ) {
    super(`refund refused: ${reason}`);
  }
}

/** An administrator's adjustment of zero. */
export class ZeroAdjustmentError extends Error {
  override readonly name = "ZeroAdjustmentError";
  constructor() {
    super("a balance adjustment must not be zero");
  }
}

const DAY_MS = 86_400_000;

/** The last instant a payment credited at `creditedAt` may be refunded. */
export function refundDeadline(creditedAt: string): Date {
  return new Date(Date.parse(creditedAt) + REFUND_WINDOW_DAYS * DAY_MS);
}

function withPayment(state: UserAccountState, payment: PaymentRecord): UserAccountState {
  return { ...state, payments: { ...state.payments, [payment.telegramPaymentChargeId]: payment } };
}

function updatePayment(
  state: UserAccountState,
  chargeId: string,
  update: (payment: PaymentRecord) => PaymentRecord,
): UserAccountState {
  const payment = state.payments[chargeId];
  // A refund event without its payment cannot come from this decider; keep the fold total.
  return payment ? withPayment(state, update(payment)) : state;
}

/** Folds one user event. */
export function evolveUser(state: UserAccountState, event: UserEvent): UserAccountState {
  switch (event.type) {
    case "ModelPreferenceSet":
      return { ...state, defaultModelId: event.data.modelId };
    case "PersonalitySet":
      return { ...state, personality: event.data.text };
    case "PersonalityCleared":
      return { ...state, personality: null };
    case "UserRegistered":
      return { ...state, registered: true };
    case "CheckoutApproved":
    case "BalanceAdjusted":
      // Balance movements live in the balances read model; nothing to remember here.
      return state;
    case "PaymentCredited":
      return withPayment(state, {
        telegramPaymentChargeId: event.data.telegramPaymentChargeId,
        stars: event.data.stars,
        creditedAmount: event.data.creditedAmount,
        creditedAt: event.metadata.occurredAt,
        refund: { status: "none", failures: 0, lastFailure: null },
      });
    case "RefundRequested":
      return updatePayment(state, event.data.telegramPaymentChargeId, (payment) => ({
        ...payment,
        refund: {
          status: "pending",
          refundId: event.data.refundId,
          reservedAmount: event.data.reservedAmount,
          failures: payment.refund.status === "none" ? payment.refund.failures : 0,
        },
      }));
    case "PaymentRefunded":
      return updatePayment(state, event.data.telegramPaymentChargeId, (payment) => ({
        ...payment,
        refund: { status: "refunded", refundId: event.data.refundId, settledBy: event.data.settledBy },
      }));
    case "RefundFailed":
      return updatePayment(state, event.data.telegramPaymentChargeId, (payment) => ({
        ...payment,
        refund: {
          status: "none",
          failures: (payment.refund.status === "pending" ? payment.refund.failures : 0) + 1,
          lastFailure: event.data.reason,
        },
      }));
    default: {
      const unknown: never = event;
      throw new Error(`evolveUser: unhandled event ${(unknown as { type: string }).type}`);
    }
  }
}

function decideRefund(
  command: Extract<UserCommand, { type: "RequestRefund" }>,
  state: UserAccountState,
): UserEventDraft[] {
  const payment = state.payments[command.telegramPaymentChargeId];
  const refuse = (reason: RefundRefusal) => new RefundRefusedError(reason, payment ?? null, command.balance);
  if (!payment) throw refuse("unknown_payment");
  if (payment.refund.status === "refunded") throw refuse("already_refunded");
  if (payment.refund.status === "pending") throw refuse("refund_in_progress");
  if (Date.parse(command.now) > refundDeadline(payment.creditedAt).getTime()) throw refuse("window_passed");
  if (command.balance < payment.creditedAmount) throw refuse("balance_too_low");
  return [
    {
      type: "RefundRequested",
      data: {
        telegramPaymentChargeId: payment.telegramPaymentChargeId,
        refundId: command.refundId,
        stars: payment.stars,
        reservedAmount: payment.creditedAmount,
      },
    },
  ];
}

function decideSettlement(
  command: Extract<UserCommand, { type: "SettleRefund" }>,
  state: UserAccountState,
): UserEventDraft[] {
  const payment = state.payments[command.telegramPaymentChargeId];
  // Settled already (by the refunded_payment update, another process, a retry): nothing more.
  if (payment?.refund.status !== "pending" || payment.refund.refundId !== command.refundId) return [];
  const { outcome } = command;
  if (outcome.kind === "refunded") {
    return [
      {
        type: "PaymentRefunded",
        data: {
          telegramPaymentChargeId: payment.telegramPaymentChargeId,
          refundId: command.refundId,
          stars: payment.stars,
          amountDebited: 0,
          settledBy: outcome.settledBy,
        },
      },
    ];
  }
  return [
    {
      type: "RefundFailed",
      data: {
        telegramPaymentChargeId: payment.telegramPaymentChargeId,
        refundId: command.refundId,
        reason: outcome.reason.slice(0, 1000) || "unknown",
        releasedAmount: payment.refund.reservedAmount,
      },
    },
  ];
}

function decideRefundedPayment(chargeId: string, state: UserAccountState): UserEventDraft[] {
  const payment = state.payments[chargeId];
  if (!payment || payment.refund.status === "refunded") return [];
  const pending = payment.refund.status === "pending" ? payment.refund : null;
  return [
    {
      type: "PaymentRefunded",
      data: {
        telegramPaymentChargeId: chargeId,
        refundId: pending?.refundId ?? null,
        stars: payment.stars,
        // A reservation already took the amount; a refund nobody asked for here takes it now.
        amountDebited: pending ? 0 : payment.creditedAmount,
        settledBy: "refunded_payment_update",
      },
    },
  ];
}

/**
 * Decides a user command. Returns [] for commands already satisfied (a registered
 * user, a payment credited before, a refund already settled) and throws for ones the
 * rules refuse ({@link PersonalityLengthError}, {@link RefundRefusedError},
 * {@link ZeroAdjustmentError}).
 */
export function decideUser(command: UserCommand, state: UserAccountState): UserEventDraft[] {
  switch (command.type) {
    case "SetModelPreference":
      if (state.defaultModelId === command.modelId) return [];
      return [
        {
          type: "ModelPreferenceSet",
          data: { modelId: command.modelId, previousModelId: state.defaultModelId },
        },
      ];
    case "SetPersonality": {
      const text = command.text.trim();
      const length = [...text].length;
      if (length < PERSONALITY_MIN_LENGTH)
        throw new PersonalityLengthError("too_short", length, PERSONALITY_MIN_LENGTH);
      if (text.length > PERSONALITY_MAX_LENGTH) {
        throw new PersonalityLengthError("too_long", length, PERSONALITY_MAX_LENGTH);
      }
      if (state.personality === text) return [];
      return [{ type: "PersonalitySet", data: { text } }];
    }
    case "ClearPersonality":
      return state.personality === null ? [] : [{ type: "PersonalityCleared", data: {} }];
    case "Register": {
      if (state.registered) return [];
      const { type: _type, ...data } = command;
      return [{ type: "UserRegistered", data: { ...data, starterBalance: nanoUsd(data.starterBalance) } }];
    }
    case "ApproveCheckout": {
      const { type: _type, ...data } = command;
      return [{ type: "CheckoutApproved", data }];
    }
    case "CreditPayment": {
      if (state.payments[command.telegramPaymentChargeId]) return [];
      const { credit } = command;
      return [
        {
          type: "PaymentCredited",
          data: {
            telegramPaymentChargeId: command.telegramPaymentChargeId,
            providerPaymentChargeId: command.providerPaymentChargeId,
            stars: credit.stars,
            nominalAmount: credit.nominalAmount,
            k1BasisPoints: credit.k1BasisPoints,
            k2BasisPoints: credit.k2BasisPoints,
            k3BasisPoints: credit.k3BasisPoints,
            creditedAmount: credit.creditedAmount,
            invoiceIssuedAt: command.invoiceIssuedAt,
            payloadVerified: command.payloadVerified,
          },
        },
      ];
    }
    case "RequestRefund":
      return decideRefund(command, state);
    case "SettleRefund":
      return decideSettlement(command, state);
    case "RecordRefundedPayment":
      return decideRefundedPayment(command.telegramPaymentChargeId, state);
    case "AdjustBalance":
      if (command.amount === 0) throw new ZeroAdjustmentError();
      return [
        {
          type: "BalanceAdjusted",
          data: { adminId: command.adminId, amount: command.amount, reason: command.reason },
        },
      ];
    default: {
      const unknown: never = command;
      throw new Error(`decideUser: unhandled command ${(unknown as { type: string }).type}`);
    }
  }
}
