import type { SqlExecutor } from "@bot/sql";
import type { BalanceFacts } from "./balance-facts.ts";

/**
 * Inserts the ledger rows not seen before (by event id) and, in the same statement,
 * adds exactly those to the accounts' balances and the daily spend: a replayed or
 * duplicated event changes nothing.
 */
const INSERT_LEDGER = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS l(
      "eventId" uuid, "userId" bigint, kind text, amount bigint, subject text, stream text,
      revision bigint, "commit" bigint, prepare bigint, at timestamptz)
  ), inserted AS (
    INSERT INTO ledger (event_id, user_id, kind, amount_nano, subject, stream, revision,
                        commit_position, prepare_position, occurred_at)
    SELECT "eventId", "userId", kind, amount, subject, stream, revision, "commit", prepare, at FROM input
    ON CONFLICT (event_id) DO NOTHING
    RETURNING user_id, kind, amount_nano, subject, occurred_at
  ), per_user AS (
    SELECT user_id, sum(amount_nano) AS delta,
           sum(CASE WHEN kind IN ('usage', 'tool') THEN -amount_nano ELSE 0 END) AS spent, max(occurred_at) AS at
      FROM inserted GROUP BY user_id
  ), balances AS (
    INSERT INTO accounts (user_id, balance_nano, spent_nano, updated_at)
    SELECT user_id, delta, spent, at FROM per_user
    ON CONFLICT (user_id) DO UPDATE SET
      balance_nano = accounts.balance_nano + EXCLUDED.balance_nano,
      spent_nano = accounts.spent_nano + EXCLUDED.spent_nano,
      updated_at = GREATEST(accounts.updated_at, EXCLUDED.updated_at)
    RETURNING 1
  )
  INSERT INTO spend_daily (user_id, day, kind, subject, amount_nano, charges)
  SELECT user_id, (occurred_at AT TIME ZONE 'UTC')::date, kind, COALESCE(subject, ''), sum(-amount_nano), count(*)
    FROM inserted WHERE kind IN ('usage', 'tool')
   GROUP BY 1, 2, 3, 4
  ON CONFLICT (user_id, day, kind, subject) DO UPDATE SET
    amount_nano = spend_daily.amount_nano + EXCLUDED.amount_nano,
    charges = spend_daily.charges + EXCLUDED.charges`;

const UPSERT_PAYMENTS = `
  INSERT INTO payments (charge_id, user_id, stars, nominal_nano, credited_nano, k1_basis_points,
                        k2_basis_points, k3_basis_points, credited_at, refund_status, refund_failures)
  SELECT "chargeId", "userId", stars, nominal, credited, k1, k2, k3, at, 'none', 0
    FROM jsonb_to_recordset($1::jsonb) AS p(
      "chargeId" text, "userId" bigint, stars integer, nominal bigint, credited bigint,
      k1 integer, k2 integer, k3 integer, at timestamptz)
  ON CONFLICT (charge_id) DO NOTHING`;

/** Each field is kept once known: the request and the outcome may arrive in either order. */
const UPSERT_REFUND_ATTEMPTS = `
  INSERT INTO refund_attempts (refund_id, charge_id, user_id, requested_at, reserved_nano, outcome,
                               outcome_at, settled_by, reason)
  SELECT "refundId", "chargeId", "userId", "requestedAt", reserved, outcome, "outcomeAt", "settledBy", reason
    FROM jsonb_to_recordset($1::jsonb) AS r(
      "refundId" uuid, "chargeId" text, "userId" bigint, "requestedAt" timestamptz, reserved bigint,
      outcome text, "outcomeAt" timestamptz, "settledBy" text, reason text)
  ON CONFLICT (refund_id) DO UPDATE SET
    requested_at = COALESCE(refund_attempts.requested_at, EXCLUDED.requested_at),
    reserved_nano = COALESCE(refund_attempts.reserved_nano, EXCLUDED.reserved_nano),
    outcome = COALESCE(refund_attempts.outcome, EXCLUDED.outcome),
    outcome_at = COALESCE(refund_attempts.outcome_at, EXCLUDED.outcome_at),
    settled_by = COALESCE(refund_attempts.settled_by, EXCLUDED.settled_by),
    reason = COALESCE(refund_attempts.reason, EXCLUDED.reason)`;

/** A payment's refund state, derived from all its attempts (so independent of order). */
const DERIVE_REFUND_STATUS = `
  UPDATE payments AS p SET
    refund_status = CASE
      WHEN a.refunded_at IS NOT NULL THEN 'refunded'
      WHEN a.open > 0 THEN 'pending'
      ELSE 'none' END,
    refunded_at = a.refunded_at,
    refund_failures = a.failures,
    last_refund_failure = a.last_failure
  FROM (
    SELECT c.charge_id,
           min(r.outcome_at) FILTER (WHERE r.outcome = 'refunded') AS refunded_at,
           count(*) FILTER (WHERE r.requested_at IS NOT NULL AND r.outcome IS NULL) AS open,
           count(*) FILTER (WHERE r.outcome = 'failed')::integer AS failures,
           (array_agg(r.reason ORDER BY r.outcome_at DESC) FILTER (WHERE r.outcome = 'failed'))[1] AS last_failure
      FROM jsonb_array_elements_text($1::jsonb) AS c(charge_id)
      LEFT JOIN refund_attempts r ON r.charge_id = c.charge_id
     GROUP BY c.charge_id
  ) AS a
  WHERE p.charge_id = a.charge_id`;

/**
 * The newest profile wins whatever the order of arrival; the registration time is
 * the earliest known.
 */
const UPSERT_PROFILES = `
  INSERT INTO accounts (user_id, balance_nano, spent_nano, first_name, username, language_code,
                        registered_at, last_seen_at, updated_at)
  SELECT "userId", 0, 0, "firstName", username, "languageCode", "registeredAt", at, at
    FROM jsonb_to_recordset($1::jsonb) AS u(
      "userId" bigint, "firstName" text, username text, "languageCode" text,
      "registeredAt" timestamptz, at timestamptz)
  ON CONFLICT (user_id) DO UPDATE SET
    first_name = CASE WHEN accounts.last_seen_at IS NULL OR EXCLUDED.last_seen_at >= accounts.last_seen_at
                      THEN EXCLUDED.first_name ELSE accounts.first_name END,
    username = CASE WHEN accounts.last_seen_at IS NULL OR EXCLUDED.last_seen_at >= accounts.last_seen_at
                    THEN EXCLUDED.username ELSE accounts.username END,
    language_code = CASE WHEN accounts.last_seen_at IS NULL OR EXCLUDED.last_seen_at >= accounts.last_seen_at
                         THEN EXCLUDED.language_code ELSE accounts.language_code END,
    registered_at = LEAST(accounts.registered_at, EXCLUDED.registered_at),
    last_seen_at = GREATEST(accounts.last_seen_at, EXCLUDED.last_seen_at),
    updated_at = GREATEST(accounts.updated_at, EXCLUDED.updated_at)`;

/** Writes one batch's facts with at most five statements, whatever the batch size. */
export async function writeBalanceFacts(facts: BalanceFacts, tx: SqlExecutor): Promise<void> {
  if (facts.profiles.length > 0) await tx.query(UPSERT_PROFILES, [JSON.stringify(facts.profiles)]);
  if (facts.ledger.length > 0) await tx.query(INSERT_LEDGER, [JSON.stringify(facts.ledger)]);
  if (facts.payments.length > 0) await tx.query(UPSERT_PAYMENTS, [JSON.stringify(facts.payments)]);
  if (facts.refundAttempts.length > 0) {
    await tx.query(UPSERT_REFUND_ATTEMPTS, [JSON.stringify(facts.refundAttempts)]);
  }
  if (facts.touchedCharges.length > 0) {
    await tx.query(DERIVE_REFUND_STATUS, [JSON.stringify(facts.touchedCharges)]);
  }
}
