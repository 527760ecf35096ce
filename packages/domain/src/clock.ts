/**
 * Time and identity are injected so that domain logic stays deterministic and
 * tests can fix them. Implementations for production live in `@bot/domain/system`.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** Produces unique identifiers (UUID v4 text in production). */
export interface IdGenerator {
  uuid(): string;
}

/** A clock frozen at `at` that can be moved forward by tests. */
export function fixedClock(
  at: Date | string,
): Clock & { advance(ms: number): void; set(at: Date | string): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
    set(next: Date | string) {
      current = new Date(next);
    },
  };
}

/** Deterministic UUIDs (`00000000-0000-4000-8000-000000000001`, ...) for tests. */
export function sequentialIds(start = 1): IdGenerator {
  let next = start;
  return {
    uuid() {
      const hex = (next++).toString(16).padStart(12, "0");
      return `00000000-0000-4000-8000-${hex}`;
    },
  };
}
