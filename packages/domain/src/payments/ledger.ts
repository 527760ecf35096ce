import type { DomainEvent } from "../events/catalog.ts";
import { type NanoUsd, nanoUsd, negateUsd } from "../money.ts";
import { parseUserStream } from "../streams.ts";

/** What moved a balance. */
export type LedgerKind =
  | "starter"
  | "payment"
  | "refund_reserved"
  | "refund_released"
  | "refund"
  | "admin"
  | "usage"
  | "tool";

/** One movement of a user's balance, derived from one event. */
export interface LedgerEntry {
  readonly userId: number;
  readonly kind: LedgerKind;
  /** Signed nano-USD: positive credits, negative debits. Never zero. */
  readonly amount: NanoUsd;
  /** What it concerns: the model of a charge, the Telegram charge id of a payment, the admin of an adjustment. */
  readonly subject: string | null;
}

function entry(userId: number | null, kind: LedgerKind, amount: number, subject: string | null) {
  if (userId === null || amount === 0) return null;
  return { userId, kind, amount: nanoUsd(amount), subject } satisfies LedgerEntry;
}

/**
 * The balance movement an event records, or null for events that move no money.
 * The one definition of "the ledger": the balances projection and the charge audit
 * both use it, so they cannot disagree about what an event is worth.
 */
export function ledgerEntryOf(event: DomainEvent, stream: string): LedgerEntry | null {
  switch (event.type) {
    case "UserRegistered":
      return entry(parseUserStream(stream), "starter", event.data.starterBalance, null);
    case "PaymentCredited":
      return entry(
        parseUserStream(stream),
        "payment",
        event.data.creditedAmount,
        event.data.telegramPaymentChargeId,
      );
    case "RefundRequested":
      return entry(
        parseUserStream(stream),
        "refund_reserved",
        negateUsd(nanoUsd(event.data.reservedAmount)),
        event.data.telegramPaymentChargeId,
      );
    case "RefundFailed":
      return entry(
        parseUserStream(stream),
        "refund_released",
        event.data.releasedAmount,
        event.data.telegramPaymentChargeId,
      );
    case "PaymentRefunded":
      return entry(
        parseUserStream(stream),
        "refund",
        negateUsd(nanoUsd(event.data.amountDebited)),
        event.data.telegramPaymentChargeId,
      );
    case "BalanceAdjusted":
      return entry(parseUserStream(stream), "admin", event.data.amount, String(event.data.adminId));
    case "UsageCharged":
      return entry(event.data.userId, "usage", negateUsd(nanoUsd(event.data.userAmount)), event.data.modelId);
    case "ToolCharged":
      return entry(event.data.userId, "tool", negateUsd(nanoUsd(event.data.userAmount)), event.data.name);
    case "ToolCalled":
    case "ToolCompleted":
    case "FileReceived":
    case "FileDelivered":
    case "FileTranscribed":
    case "FileUploaded":
    case "ProviderFileDeleted":
    case "ToolSessionOpened":
    case "ToolSessionClosed":
    case "ModelPreferenceSet":
    case "PersonalitySet":
    case "PersonalityCleared":
    case "CheckoutApproved":
    case "MessageReceived":
    case "MessageEdited":
    case "ModelSelected":
    case "ContextReset":
    case "GenerationStarted":
    case "ChunkStreamed":
    case "GenerationCompleted":
    case "GenerationCancelled":
    case "GenerationInterrupted":
    case "GenerationFailed":
    case "GenerationRefused":
    case "AnswerMessageSent":
    case "AnswerDelivered":
    case "MarginSet":
    case "CacheSubsidySet":
    case "AnnouncementStarted":
    case "AnnouncementCompleted":
      return null;
    default: {
      const unknown: never = event;
      throw new Error(`ledgerEntryOf: unhandled event ${(unknown as { type: string }).type}`);
    }
  }
}

/** The event types {@link ledgerEntryOf} can turn into a ledger entry (subscription filters). */
export const LEDGER_EVENT_TYPES = [
  "UserRegistered",
  "PaymentCredited",
  "RefundRequested",
  "RefundFailed",
  "PaymentRefunded",
  "BalanceAdjusted",
  "UsageCharged",
  "ToolCharged",
] as const satisfies readonly DomainEvent["type"][];

/** An event that may move a balance. */
export type LedgerEvent = Extract<DomainEvent, { type: (typeof LEDGER_EVENT_TYPES)[number] }>;

/** Whether `event` is one of {@link LEDGER_EVENT_TYPES}. */
export function isLedgerEvent<E extends DomainEvent>(event: E): event is E & LedgerEvent {
  return (LEDGER_EVENT_TYPES as readonly string[]).includes(event.type);
}
