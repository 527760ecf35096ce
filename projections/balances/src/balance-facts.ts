import { type DomainEvent, ledgerEntryOf, parseUserStream } from "@bot/domain";
import type { RecordedEvent } from "@bot/eventstore";

/** The event types the balances projection reads. */
export const BALANCE_EVENT_TYPES = [
  "UserRegistered",
  "MessageReceived",
  "PaymentCredited",
  "RefundRequested",
  "PaymentRefunded",
  "RefundFailed",
  "BalanceAdjusted",
  "UsageCharged",
  "ToolCharged",
] as const satisfies readonly DomainEvent["type"][];

/** An event the balances projection reads. */
export type BalanceEvent = Extract<DomainEvent, { type: (typeof BALANCE_EVENT_TYPES)[number] }>;

/** A ledger row to insert (amounts and positions as decimal strings: JSON has no bigint). */
export interface LedgerFact {
  readonly eventId: string;
  readonly userId: number;
  readonly kind: string;
  readonly amount: string;
  readonly subject: string | null;
  readonly stream: string;
  readonly revision: string;
  readonly commit: string;
  readonly prepare: string;
  readonly at: string;
}

/** A credited payment. */
export interface PaymentFact {
  readonly chargeId: string;
  readonly userId: number;
  readonly stars: number;
  readonly nominal: string;
  readonly credited: string;
  readonly k1: number;
  readonly k2: number;
  readonly k3: number;
  readonly at: string;
}

/** What is known of one refund attempt from the events of a batch (fields merge by COALESCE). */
export interface RefundAttemptFact {
  refundId: string;
  chargeId: string;
  userId: number;
  requestedAt: string | null;
  reserved: string | null;
  outcome: "refunded" | "failed" | null;
  outcomeAt: string | null;
  settledBy: string | null;
  reason: string | null;
}

/** The newest profile seen for a user in a batch. */
export interface ProfileFact {
  readonly userId: number;
  readonly firstName: string;
  readonly username: string | null;
  readonly languageCode: string | null;
  readonly registeredAt: string | null;
  readonly at: string;
}

/** Everything one batch of events changes in the balances read model. */
export interface BalanceFacts {
  readonly ledger: LedgerFact[];
  readonly payments: PaymentFact[];
  readonly refundAttempts: RefundAttemptFact[];
  readonly profiles: ProfileFact[];
  /** Charge ids whose refund status must be derived again. */
  readonly touchedCharges: string[];
}

function attempt(
  attempts: Map<string, RefundAttemptFact>,
  refundId: string,
  chargeId: string,
  userId: number,
): RefundAttemptFact {
  let found = attempts.get(refundId);
  if (!found) {
    found = {
      refundId,
      chargeId,
      userId,
      requestedAt: null,
      reserved: null,
      outcome: null,
      outcomeAt: null,
      settledBy: null,
      reason: null,
    };
    attempts.set(refundId, found);
  }
  return found;
}

function keepNewestProfile(profiles: Map<number, ProfileFact>, profile: ProfileFact): void {
  const previous = profiles.get(profile.userId);
  if (!previous || previous.at <= profile.at) {
    profiles.set(profile.userId, {
      ...profile,
      registeredAt: profile.registeredAt ?? previous?.registeredAt ?? null,
    });
  } else if (profile.registeredAt && !previous.registeredAt) {
    profiles.set(profile.userId, { ...previous, registeredAt: profile.registeredAt });
  }
}

/**
 * Folds a batch of events into row changes. The ledger rows come from the domain's
 * one definition of what an event is worth (`ledgerEntryOf`); every other fact is
 * keyed (event id, charge id, refund id, user id) so applying an event twice, or
 * events in another order, leaves the same rows.
 */
export function foldBalanceFacts(events: readonly RecordedEvent<BalanceEvent>[]): BalanceFacts {
  const ledger: LedgerFact[] = [];
  const payments: PaymentFact[] = [];
  const attempts = new Map<string, RefundAttemptFact>();
  const profiles = new Map<number, ProfileFact>();
  const touched = new Set<string>();
  for (const event of events) {
    const at = event.metadata.occurredAt;
    const entry = ledgerEntryOf(event, event.stream);
    if (entry) {
      ledger.push({
        eventId: event.metadata.eventId,
        userId: entry.userId,
        kind: entry.kind,
        amount: String(entry.amount),
        subject: entry.subject,
        stream: event.stream,
        revision: event.revision.toString(),
        commit: event.position.commit.toString(),
        prepare: event.position.prepare.toString(),
        at,
      });
    }
    const userId = parseUserStream(event.stream);
    switch (event.type) {
      case "UserRegistered":
        if (userId !== null) {
          keepNewestProfile(profiles, {
            userId,
            firstName: event.data.firstName,
            username: event.data.username,
            languageCode: event.data.languageCode,
            registeredAt: at,
            at,
          });
        }
        break;
      case "MessageReceived":
        keepNewestProfile(profiles, {
          userId: event.data.userId,
          firstName: event.data.from.firstName,
          username: event.data.from.username,
          languageCode: event.data.from.languageCode,
          registeredAt: null,
          at,
        });
        break;
      case "PaymentCredited":
        if (userId !== null) {
          touched.add(event.data.telegramPaymentChargeId);
          payments.push({
            chargeId: event.data.telegramPaymentChargeId,
            userId,
            stars: event.data.stars,
            nominal: String(event.data.nominalAmount),
            credited: String(event.data.creditedAmount),
            k1: event.data.k1BasisPoints,
            k2: event.data.k2BasisPoints,
            k3: event.data.k3BasisPoints,
            at,
          });
        }
        break;
      case "RefundRequested":
        if (userId !== null) {
          touched.add(event.data.telegramPaymentChargeId);
          const found = attempt(attempts, event.data.refundId, event.data.telegramPaymentChargeId, userId);
          found.requestedAt = at;
          found.reserved = String(event.data.reservedAmount);
        }
        break;
      case "PaymentRefunded":
        if (userId !== null) {
          touched.add(event.data.telegramPaymentChargeId);
          // A refund nobody asked for here has no attempt: its event id stands in for one.
          const found = attempt(
            attempts,
            event.data.refundId ?? event.metadata.eventId,
            event.data.telegramPaymentChargeId,
            userId,
          );
          found.outcome = "refunded";
          found.outcomeAt = at;
          found.settledBy = event.data.settledBy;
        }
        break;
      case "RefundFailed":
        if (userId !== null) {
          touched.add(event.data.telegramPaymentChargeId);
          const found = attempt(attempts, event.data.refundId, event.data.telegramPaymentChargeId, userId);
          found.outcome ??= "failed";
          found.outcomeAt ??= at;
          found.reason = event.data.reason;
        }
        break;
      case "BalanceAdjusted":
      case "UsageCharged":
      case "ToolCharged":
        // Ledger rows only.
        break;
      default: {
        const unhandled: never = event;
        throw new Error(`balances projection cannot fold ${(unhandled as { type: string }).type}`);
      }
    }
  }
  return {
    ledger,
    payments,
    refundAttempts: [...attempts.values()],
    profiles: [...profiles.values()],
    touchedCharges: [...touched],
  };
}
