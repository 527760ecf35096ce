/**
 * The balances read model (v2). Unqualified names: the runner sets search_path to the
 * live schema `balances` (or a rebuild schema).
 *
 * `ledger` has one row per balance movement, keyed by the event id that recorded it;
 * `accounts.balance_nano` is maintained as the sum of a user's ledger rows, inserted
 * in the same statement, so the two cannot drift. Money is integer nano-USD.
 */
export const balancesSchemaSql = `
  CREATE TABLE accounts (
    user_id bigint PRIMARY KEY,
    balance_nano bigint NOT NULL,
    -- What model calls and tools cost the user, ever (positive).
    spent_nano bigint NOT NULL,
    first_name text,
    username text,
    language_code text,
    registered_at timestamptz,
    last_seen_at timestamptz,
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX accounts_username_idx ON accounts (lower(username)) WHERE username IS NOT NULL;

  CREATE TABLE ledger (
    event_id uuid PRIMARY KEY,
    user_id bigint NOT NULL,
    kind text NOT NULL CHECK (kind IN ('starter', 'payment', 'refund_reserved', 'refund_released',
                                       'refund', 'admin', 'usage', 'tool')),
    amount_nano bigint NOT NULL CHECK (amount_nano <> 0),
    -- The model of a charge, the Telegram charge id of a payment, the admin of an adjustment.
    subject text,
    stream text NOT NULL,
    revision bigint NOT NULL,
    commit_position bigint NOT NULL,
    prepare_position bigint NOT NULL,
    occurred_at timestamptz NOT NULL
  );
  CREATE INDEX ledger_user_time_idx ON ledger (user_id, occurred_at DESC, commit_position DESC, prepare_position DESC);

  CREATE TABLE spend_daily (
    user_id bigint NOT NULL,
    day date NOT NULL,
    kind text NOT NULL,
    subject text NOT NULL,
    amount_nano bigint NOT NULL,
    charges integer NOT NULL,
    PRIMARY KEY (user_id, day, kind, subject)
  );

  CREATE TABLE payments (
    charge_id text PRIMARY KEY,
    user_id bigint NOT NULL,
    stars integer NOT NULL,
    nominal_nano bigint NOT NULL,
    credited_nano bigint NOT NULL,
    k1_basis_points integer NOT NULL,
    k2_basis_points integer NOT NULL,
    k3_basis_points integer NOT NULL,
    credited_at timestamptz NOT NULL,
    refund_status text NOT NULL CHECK (refund_status IN ('none', 'pending', 'refunded')),
    refunded_at timestamptz,
    refund_failures integer NOT NULL,
    last_refund_failure text
  );
  CREATE INDEX payments_user_idx ON payments (user_id, credited_at DESC);
  CREATE INDEX payments_pending_idx ON payments (charge_id) WHERE refund_status = 'pending';

  -- One row per refund attempt (RefundRequested and its outcome), plus one per refund that
  -- happened outside the bot (keyed by that event's id). A payment's refund status is
  -- derived from these, so it does not depend on the order the events were applied in.
  CREATE TABLE refund_attempts (
    refund_id uuid PRIMARY KEY,
    charge_id text NOT NULL,
    user_id bigint NOT NULL,
    requested_at timestamptz,
    reserved_nano bigint,
    outcome text CHECK (outcome IN ('refunded', 'failed')),
    outcome_at timestamptz,
    settled_by text,
    reason text
  );
  CREATE INDEX refund_attempts_charge_idx ON refund_attempts (charge_id);
`;
