import type { UserAccountStore } from "@bot/actors";
import type { NanoUsd } from "@bot/domain";
import type { Position } from "@bot/eventstore";
import type { Context, MiddlewareFn } from "grammy";

/** A set that forgets its oldest entries past `capacity` (a bounded memory of registered users). */
class BoundedSet {
  readonly #items = new Set<number>();
  constructor(private readonly capacity: number) {}

  has(value: number): boolean {
    return this.#items.has(value);
  }

  add(value: number): void {
    this.#items.add(value);
    if (this.#items.size > this.capacity) {
      const oldest = this.#items.values().next().value;
      if (oldest !== undefined) this.#items.delete(oldest);
    }
  }
}

/**
 * Opens the account (UserRegistered with the starter balance) of every user on their
 * first update, before any feature runs, so the ledger explains every cent from the
 * first one and a new user's first request finds a balance. Users registered in this
 * process are remembered so the common case costs nothing; the decider makes a
 * repeated registration (another process, a restart) append nothing.
 */
export function registrationMiddleware(deps: {
  readonly users: UserAccountStore;
  readonly starterBalance: NanoUsd;
  /** Told where the registration was written, so the user's first balance read includes it. */
  readonly onRegistered?: (userId: number, position: Position | null) => void;
  readonly capacity?: number;
}): MiddlewareFn<Context> {
  const known = new BoundedSet(deps.capacity ?? 100_000);
  return async (ctx, next) => {
    const from = ctx.from;
    if (from && !from.is_bot && !known.has(from.id)) {
      const result = await deps.users.execute(
        from.id,
        {
          type: "Register",
          starterBalance: deps.starterBalance,
          firstName: from.first_name,
          username: from.username ?? null,
          languageCode: from.language_code ?? null,
        },
        { correlationId: `update:${ctx.update.update_id}`, userId: from.id },
      );
      if (result.events.length > 0) deps.onRegistered?.(from.id, result.position);
      known.add(from.id);
    }
    await next();
  };
}
