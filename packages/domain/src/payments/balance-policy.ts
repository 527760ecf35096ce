import type { NanoUsd } from "../money.ts";

/** What the balance rules need to know about the user. */
export interface BalanceStanding {
  readonly balance: NanoUsd;
  /** Operators' accounts: never blocked. */
  readonly privileged: boolean;
}

/**
 * A new request to a model is accepted while the balance is above zero. Its charges
 * may take the balance below zero once; the next request is then refused until the
 * user tops up.
 */
export function mayStartRequest(standing: BalanceStanding): boolean {
  return standing.privileged || standing.balance > 0;
}

/**
 * Paid tools run while the balance is not negative (so a request accepted at a small
 * positive balance can still use them once); below zero the model is told to ask the
 * user to /pay.
 */
export function mayUsePaidTool(standing: BalanceStanding): boolean {
  return standing.privileged || standing.balance >= 0;
}

/** How long after a payment it may be refunded. */
export const REFUND_WINDOW_DAYS = 30;

/** The shortest time between two "insufficient balance" replies to one user. */
export const BALANCE_REPLY_INTERVAL_MS = 10_000;
