import { isoTime, type SqlExecutor, sqlIdentifier } from "@bot/sql";

const LIVE_SCHEMA = "balances";

/** A user's row in `accounts`. */
export interface AccountRow {
  readonly userId: number;
  readonly balanceNano: bigint;
  readonly spentNano: bigint;
  readonly firstName: string | null;
  readonly username: string | null;
  readonly languageCode: string | null;
  readonly registeredAt: string | null;
  readonly lastSeenAt: string | null;
}

interface RawAccountRow {
  user_id: string;
  balance_nano: string;
  spent_nano: string;
  first_name: string | null;
  username: string | null;
  language_code: string | null;
  registered_at: Date | string | null;
  last_seen_at: Date | string | null;
}

const ACCOUNT_COLUMNS = `user_id::text AS user_id, balance_nano::text AS balance_nano, spent_nano::text AS spent_nano,
  first_name, username, language_code, registered_at, last_seen_at`;

function toAccount(raw: RawAccountRow): AccountRow {
  return {
    userId: Number(raw.user_id),
    balanceNano: BigInt(raw.balance_nano),
    spentNano: BigInt(raw.spent_nano),
    firstName: raw.first_name,
    username: raw.username,
    languageCode: raw.language_code,
    registeredAt: raw.registered_at === null ? null : isoTime(raw.registered_at),
    lastSeenAt: raw.last_seen_at === null ? null : isoTime(raw.last_seen_at),
  };
}

/** A user's account, or null when the read model has never heard of them. */
export async function findAccount(
  sql: SqlExecutor,
  userId: number,
  schema = LIVE_SCHEMA,
): Promise<AccountRow | null> {
  const { rows } = await sql.query<RawAccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ${sqlIdentifier(schema)}.accounts WHERE user_id = $1`,
    [userId],
  );
  return rows[0] ? toAccount(rows[0]) : null;
}

/**
 * The users whose latest known username is `username` (case-insensitive, without
 * "@"), most recently seen first: Telegram usernames move between accounts.
 */
export async function findAccountsByUsername(
  sql: SqlExecutor,
  username: string,
  schema = LIVE_SCHEMA,
): Promise<AccountRow[]> {
  const { rows } = await sql.query<RawAccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ${sqlIdentifier(schema)}.accounts
      WHERE username IS NOT NULL AND lower(username) = lower($1)
      ORDER BY last_seen_at DESC NULLS LAST, user_id`,
    [username.replace(/^@/, "")],
  );
  return rows.map(toAccount);
}

/** Every account, by user id (broadcasts, audits). */
export async function listAccounts(sql: SqlExecutor, schema = LIVE_SCHEMA): Promise<AccountRow[]> {
  const { rows } = await sql.query<RawAccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ${sqlIdentifier(schema)}.accounts ORDER BY user_id`,
  );
  return rows.map(toAccount);
}

/** One balance movement. */
export interface LedgerRow {
  readonly eventId: string;
  readonly userId: number;
  readonly kind: string;
  readonly amountNano: bigint;
  readonly subject: string | null;
  readonly stream: string;
  readonly revision: bigint;
  readonly occurredAt: string;
}

interface RawLedgerRow {
  event_id: string;
  user_id: string;
  kind: string;
  amount_nano: string;
  subject: string | null;
  stream: string;
  revision: string;
  occurred_at: Date | string;
}

/** A user's latest balance movements, newest first. */
export async function recentLedger(
  sql: SqlExecutor,
  userId: number,
  options: { limit?: number; schema?: string } = {},
): Promise<LedgerRow[]> {
  const { rows } = await sql.query<RawLedgerRow>(
    `SELECT event_id::text AS event_id, user_id::text AS user_id, kind, amount_nano::text AS amount_nano, subject,
            stream, revision::text AS revision, occurred_at
       FROM ${sqlIdentifier(options.schema ?? LIVE_SCHEMA)}.ledger
      WHERE user_id = $1
      ORDER BY occurred_at DESC, commit_position DESC, prepare_position DESC
      LIMIT $2`,
    [userId, options.limit ?? 10],
  );
  return rows.map((raw) => ({
    eventId: raw.event_id,
    userId: Number(raw.user_id),
    kind: raw.kind,
    amountNano: BigInt(raw.amount_nano),
    subject: raw.subject,
    stream: raw.stream,
    revision: BigInt(raw.revision),
    occurredAt: isoTime(raw.occurred_at),
  }));
}

/** What a user spent on one model (or tool) over a period. */
export interface SpendLine {
  readonly kind: string;
  readonly subject: string;
  readonly amountNano: bigint;
  readonly charges: number;
}

/** A user's spend by model/tool since a day (UTC, inclusive), largest first. */
export async function spendSince(
  sql: SqlExecutor,
  userId: number,
  sinceDay: string,
  schema = LIVE_SCHEMA,
): Promise<SpendLine[]> {
  const { rows } = await sql.query<{ kind: string; subject: string; amount_nano: string; charges: string }>(
    `SELECT kind, subject, sum(amount_nano)::text AS amount_nano, sum(charges)::text AS charges
       FROM ${sqlIdentifier(schema)}.spend_daily
      WHERE user_id = $1 AND day >= $2::date
      GROUP BY kind, subject
      ORDER BY sum(amount_nano) DESC, subject`,
    [userId, sinceDay],
  );
  return rows.map((raw) => ({
    kind: raw.kind,
    subject: raw.subject,
    amountNano: BigInt(raw.amount_nano),
    charges: Number(raw.charges),
  }));
}

/** A Stars payment and its refund state. */
export interface PaymentRow {
  readonly chargeId: string;
  readonly userId: number;
  readonly stars: number;
  readonly creditedNano: bigint;
  readonly k3BasisPoints: number;
  readonly creditedAt: string;
  readonly refundStatus: "none" | "pending" | "refunded";
  readonly refundedAt: string | null;
  readonly refundFailures: number;
  readonly lastRefundFailure: string | null;
}

interface RawPaymentRow {
  charge_id: string;
  user_id: string;
  stars: number;
  credited_nano: string;
  k3_basis_points: number;
  credited_at: Date | string;
  refund_status: "none" | "pending" | "refunded";
  refunded_at: Date | string | null;
  refund_failures: number;
  last_refund_failure: string | null;
}

const PAYMENT_COLUMNS = `charge_id, user_id::text AS user_id, stars, credited_nano::text AS credited_nano,
  k3_basis_points, credited_at, refund_status, refunded_at, refund_failures, last_refund_failure`;

function toPayment(raw: RawPaymentRow): PaymentRow {
  return {
    chargeId: raw.charge_id,
    userId: Number(raw.user_id),
    stars: raw.stars,
    creditedNano: BigInt(raw.credited_nano),
    k3BasisPoints: raw.k3_basis_points,
    creditedAt: isoTime(raw.credited_at),
    refundStatus: raw.refund_status,
    refundedAt: raw.refunded_at === null ? null : isoTime(raw.refunded_at),
    refundFailures: raw.refund_failures,
    lastRefundFailure: raw.last_refund_failure,
  };
}

/** One payment by Telegram charge id. */
export async function findPayment(
  sql: SqlExecutor,
  chargeId: string,
  schema = LIVE_SCHEMA,
): Promise<PaymentRow | null> {
  const { rows } = await sql.query<RawPaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM ${sqlIdentifier(schema)}.payments WHERE charge_id = $1`,
    [chargeId],
  );
  return rows[0] ? toPayment(rows[0]) : null;
}

/** A refund asked for and not yet settled. */
export interface PendingRefund {
  readonly chargeId: string;
  readonly userId: number;
  readonly refundId: string;
  readonly requestedAt: string;
}

/** Refunds whose outcome is not recorded yet, oldest first (recovery after a crash). */
export async function listPendingRefunds(sql: SqlExecutor, schema = LIVE_SCHEMA): Promise<PendingRefund[]> {
  const { rows } = await sql.query<{
    charge_id: string;
    user_id: string;
    refund_id: string;
    requested_at: Date | string;
  }>(
    `SELECT r.charge_id, r.user_id::text AS user_id, r.refund_id::text AS refund_id, r.requested_at
       FROM ${sqlIdentifier(schema)}.refund_attempts r
      WHERE r.requested_at IS NOT NULL AND r.outcome IS NULL
      ORDER BY r.requested_at, r.refund_id`,
  );
  return rows.map((raw) => ({
    chargeId: raw.charge_id,
    userId: Number(raw.user_id),
    refundId: raw.refund_id,
    requestedAt: isoTime(raw.requested_at),
  }));
}

/** Every account's balance (reconciliation). */
export async function allBalances(sql: SqlExecutor, schema = LIVE_SCHEMA): Promise<Map<number, bigint>> {
  const { rows } = await sql.query<{ user_id: string; balance_nano: string }>(
    `SELECT user_id::text AS user_id, balance_nano::text AS balance_nano FROM ${sqlIdentifier(schema)}.accounts`,
  );
  return new Map(rows.map((row) => [Number(row.user_id), BigInt(row.balance_nano)]));
}
