import { randomBytes } from "node:crypto";
import type { User } from "@grammyjs/types";
import { badRequest } from "./bot-api-error.ts";

/** One Telegram Stars payment the fake knows about, as a test can read it. */
export interface StarCharge {
  /** `telegram_payment_charge_id` of the successful_payment. */
  telegramPaymentChargeId: string;
  /** The paying user. */
  userId: number;
  /** Stars paid (`total_amount`). */
  amount: number;
  currency: string;
  /** The bot's `invoice_payload`. */
  payload: string;
  /** Whether it was refunded, by refundStarPayment or by a pushed refunded_payment. */
  refunded: boolean;
}

/** What a payment brings into the ledger. */
export interface NewStarCharge {
  telegramPaymentChargeId: string;
  user: User;
  amount: number;
  currency: string;
  payload: string;
}

interface ChargeRecord extends StarCharge {
  /** Kept to address the refund confirmation to the payer's private chat. */
  user: User;
}

/**
 * The bot's Telegram Stars payments, by charge id. A charge is recorded once, however often
 * its successful_payment is delivered (redeliveries must not pay twice), and can be refunded
 * once, by the user who paid.
 */
export class StarsLedger {
  private readonly charges = new Map<string, ChargeRecord>();
  /**
   * Whether a successful refundStarPayment also pushes the refunded_payment message Telegram
   * puts in the payer's private chat. Off by default so tests of the refund call itself see no
   * extra update.
   */
  refundUpdates = false;

  /** A fresh charge id shaped like Telegram's Stars ids ("stx" + 32 URL-safe characters). */
  static newChargeId(): string {
    return `stx${randomBytes(24).toString("base64url")}`;
  }

  /** Records a payment; false when the charge id was already known (the first record stays). */
  record(charge: NewStarCharge): boolean {
    if (this.charges.has(charge.telegramPaymentChargeId)) return false;
    this.charges.set(charge.telegramPaymentChargeId, {
      telegramPaymentChargeId: charge.telegramPaymentChargeId,
      userId: charge.user.id,
      user: charge.user,
      amount: charge.amount,
      currency: charge.currency,
      payload: charge.payload,
      refunded: false,
    });
    return true;
  }

  /** A copy of one charge, or undefined if the fake never saw it. */
  get(chargeId: string): StarCharge | undefined {
    const record = this.charges.get(chargeId);
    return record === undefined ? undefined : snapshot(record);
  }

  /** The user who paid a charge. */
  payer(chargeId: string): User | undefined {
    return this.charges.get(chargeId)?.user;
  }

  /** Copies of every charge, in the order they were paid. */
  list(): StarCharge[] {
    return [...this.charges.values()].map(snapshot);
  }

  /**
   * refundStarPayment: only the payer's own, not yet refunded charge can be refunded.
   * Throws the Bot API error otherwise.
   */
  refund(userId: number, chargeId: string): StarCharge {
    if (chargeId === "") throw badRequest("CHARGE_ID_EMPTY");
    const record = this.charges.get(chargeId);
    // Telegram does not reveal that a charge exists when it belongs to someone else.
    if (record === undefined || record.userId !== userId) throw badRequest("CHARGE_ID_INVALID");
    if (record.refunded) throw badRequest("CHARGE_ALREADY_REFUNDED");
    record.refunded = true;
    return snapshot(record);
  }

  /** A refund happened outside the bot (pushed refunded_payment); unknown charges are ignored. */
  markRefunded(chargeId: string): void {
    const record = this.charges.get(chargeId);
    if (record !== undefined) record.refunded = true;
  }
}

function snapshot(record: ChargeRecord): StarCharge {
  const { user: _user, ...charge } = record;
  return charge;
}
