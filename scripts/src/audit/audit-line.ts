import {
  type DomainEvent,
  isLedgerEvent,
  type LedgerEvent,
  type LedgerKind,
  ledgerEntryOf,
  parseThreadStream,
  type ThreadKey,
  type TokenQuantities,
} from "@bot/domain";
import type { Position, RecordedEvent } from "@bot/eventstore";

/** What priced a model call or tool use (a `UsageCharged`). */
export interface UsagePricing {
  readonly source: "UsageCharged";
  readonly modelId: string;
  readonly priceTableVersion: string;
  /** True when the quantities were estimated (the provider reported no usage, e.g. an interrupted stream). */
  readonly estimated: boolean;
  readonly quantities: TokenQuantities;
  /** The full cost of the call. */
  readonly costNano: bigint;
  /** What the user paid: the cost minus the subsidy. */
  readonly userAmountNano: bigint;
  readonly cacheWriteSubsidised: boolean;
  /** What the owner paid for the user (the cache-write cost when subsidised): cost − user amount. */
  readonly subsidyNano: bigint;
  readonly generationId: string;
  readonly callIndex: number;
  /** The conversation, from the stream name; null if the stream is not a thread. */
  readonly thread: ThreadKey | null;
}

/** How a Stars payment became a credit (a `PaymentCredited`). */
export interface PaymentPricing {
  readonly source: "PaymentCredited";
  readonly chargeId: string;
  readonly stars: number;
  /** What the Stars are worth before commissions. */
  readonly nominalNano: bigint;
  /** Telegram's withdrawal fee. */
  readonly k1BasisPoints: number;
  /** The fee for topics in private chats. */
  readonly k2BasisPoints: number;
  /** The owner's margin when the payment was credited. */
  readonly k3BasisPoints: number;
  readonly creditedNano: bigint;
  readonly payloadVerified: boolean;
}

/** The starter balance of a new account (a `UserRegistered`). */
export interface StarterPricing {
  readonly source: "UserRegistered";
  readonly starterNano: bigint;
}

/** A refund's reservation (a `RefundRequested`). */
export interface RefundRequestPricing {
  readonly source: "RefundRequested";
  readonly chargeId: string;
  readonly refundId: string;
  readonly stars: number;
  readonly reservedNano: bigint;
}

/** A completed refund (a `PaymentRefunded`). */
export interface RefundPricing {
  readonly source: "PaymentRefunded";
  readonly chargeId: string;
  readonly refundId: string | null;
  readonly stars: number;
  readonly debitedNano: bigint;
  readonly settledBy: string;
}

/** A refused refund whose reservation went back (a `RefundFailed`). */
export interface RefundFailurePricing {
  readonly source: "RefundFailed";
  readonly chargeId: string;
  readonly refundId: string;
  readonly releasedNano: bigint;
  readonly reason: string;
}

/** A paid tool's use (a `ToolCharged`). */
export interface ToolPricing {
  readonly source: "ToolCharged";
  readonly toolName: string;
  readonly priceTableVersion: string;
  /** What was measured, by unit (`vcpuSeconds`, `images`, ...). */
  readonly quantities: Readonly<Record<string, number>>;
  /** The price of each quantity: `nanoUsd` per `per` units. */
  readonly unitPrices: Readonly<Record<string, { readonly nanoUsd: number; readonly per: number }>>;
  readonly amountNano: bigint;
  readonly userAmountNano: bigint;
  readonly generationId: string;
  readonly toolUseId: string;
  readonly thread: ThreadKey | null;
}

/** An administrator's manual change (a `BalanceAdjusted`). */
export interface AdjustmentPricing {
  readonly source: "BalanceAdjusted";
  readonly adminId: number;
  readonly reason: string | null;
}

/** What priced one ledger line, by the event that recorded it. */
export type AuditPricing =
  | UsagePricing
  | PaymentPricing
  | StarterPricing
  | RefundRequestPricing
  | RefundPricing
  | RefundFailurePricing
  | AdjustmentPricing
  | ToolPricing;

/** One balance movement, straight from the event log, with what priced it. */
export interface AuditLine {
  readonly userId: number;
  readonly kind: LedgerKind;
  /** Signed nano-USD as the ledger counts it: positive credits, negative debits. */
  readonly amountNano: bigint;
  /** The model of a charge, the Telegram charge id of a payment, the admin of an adjustment. */
  readonly subject: string | null;
  readonly stream: string;
  readonly revision: bigint;
  readonly position: Position;
  readonly eventId: string;
  /** Domain time of the event (`metadata.occurredAt`), which the time filters use. */
  readonly occurredAt: string;
  readonly pricing: AuditPricing;
}

/** The pricing facts a ledger event carries. */
function pricingOf(event: LedgerEvent, stream: string): AuditPricing {
  switch (event.type) {
    case "UsageCharged": {
      const data = event.data;
      return {
        source: event.type,
        modelId: data.modelId,
        priceTableVersion: data.priceTableVersion,
        estimated: data.estimated,
        quantities: data.quantities,
        costNano: BigInt(data.amount),
        userAmountNano: BigInt(data.userAmount),
        cacheWriteSubsidised: data.cacheWriteSubsidised,
        subsidyNano: BigInt(data.amount) - BigInt(data.userAmount),
        generationId: data.generationId,
        callIndex: data.callIndex,
        thread: parseThreadStream(stream),
      };
    }
    case "PaymentCredited": {
      const data = event.data;
      return {
        source: event.type,
        chargeId: data.telegramPaymentChargeId,
        stars: data.stars,
        nominalNano: BigInt(data.nominalAmount),
        k1BasisPoints: data.k1BasisPoints,
        k2BasisPoints: data.k2BasisPoints,
        k3BasisPoints: data.k3BasisPoints,
        creditedNano: BigInt(data.creditedAmount),
        payloadVerified: data.payloadVerified,
      };
    }
    case "UserRegistered":
      return { source: event.type, starterNano: BigInt(event.data.starterBalance) };
    case "RefundRequested":
      return {
        source: event.type,
        chargeId: event.data.telegramPaymentChargeId,
        refundId: event.data.refundId,
        stars: event.data.stars,
        reservedNano: BigInt(event.data.reservedAmount),
      };
    case "PaymentRefunded":
      return {
        source: event.type,
        chargeId: event.data.telegramPaymentChargeId,
        refundId: event.data.refundId,
        stars: event.data.stars,
        debitedNano: BigInt(event.data.amountDebited),
        settledBy: event.data.settledBy,
      };
    case "RefundFailed":
      return {
        source: event.type,
        chargeId: event.data.telegramPaymentChargeId,
        refundId: event.data.refundId,
        releasedNano: BigInt(event.data.releasedAmount),
        reason: event.data.reason,
      };
    case "BalanceAdjusted":
      return { source: event.type, adminId: event.data.adminId, reason: event.data.reason };
    case "ToolCharged":
      return {
        source: event.type,
        toolName: event.data.name,
        priceTableVersion: event.data.priceTableVersion,
        quantities: event.data.quantities,
        unitPrices: event.data.unitPrices,
        amountNano: BigInt(event.data.amount),
        userAmountNano: BigInt(event.data.userAmount),
        generationId: event.data.generationId,
        toolUseId: event.data.toolUseId,
        thread: parseThreadStream(stream),
      };
    default: {
      const unknown: never = event;
      throw new Error(`audit-charges: unhandled event ${(unknown as { type: string }).type}`);
    }
  }
}

/**
 * The audit line of a recorded event, or null when it moves no money. Who, which
 * kind and how much come from the domain's one ledger definition (`ledgerEntryOf`,
 * which the balances projection uses too); the event adds what priced it.
 */
export function auditLineOf(event: RecordedEvent<DomainEvent>): AuditLine | null {
  const entry = ledgerEntryOf(event, event.stream);
  if (!entry || !isLedgerEvent(event)) return null;
  const pricing = pricingOf(event, event.stream);
  return {
    userId: entry.userId,
    kind: entry.kind,
    amountNano: BigInt(entry.amount),
    subject: entry.subject,
    stream: event.stream,
    revision: event.revision,
    position: event.position,
    eventId: event.metadata.eventId,
    occurredAt: event.metadata.occurredAt,
    pricing,
  };
}
