import type { SettingsEvent } from "../events/settings-events.ts";
import { assertMargin } from "../payments/stars-pricing.ts";
import type { EventDraft } from "../thread/decide-thread.ts";

/** Operator settings: the `settings` stream folded. */
export interface SettingsState {
  /** The owner's margin k3 in basis points. */
  readonly k3BasisPoints: number;
  /** Whether the owner absorbs cache-write costs (users pay them when false). */
  readonly cacheWriteSubsidy: boolean;
}

/** Settings before any administrator changed them: no margin, users pay cache writes. */
export const initialSettings: SettingsState = Object.freeze({ k3BasisPoints: 0, cacheWriteSubsidy: false });

/** What an administrator can change. */
export type SettingsCommand =
  | { readonly type: "SetMargin"; readonly adminId: number; readonly k3BasisPoints: number }
  | { readonly type: "SetCacheSubsidy"; readonly adminId: number; readonly enabled: boolean };

/** A settings event before metadata. */
export type SettingsEventDraft = EventDraft<SettingsEvent>;

/** Folds one settings event. */
export function evolveSettings(state: SettingsState, event: SettingsEvent): SettingsState {
  switch (event.type) {
    case "MarginSet":
      return { ...state, k3BasisPoints: event.data.k3BasisPoints };
    case "CacheSubsidySet":
      return { ...state, cacheWriteSubsidy: event.data.enabled };
    default: {
      const unknown: never = event;
      throw new Error(`evolveSettings: unhandled event ${(unknown as { type: string }).type}`);
    }
  }
}

/**
 * Decides a settings change. A margin outside [0, 1 − k1 − k2] throws
 * `StarsPricingError`; setting the current value records it again (an administrator's
 * explicit action is worth a line in the log).
 */
export function decideSettings(command: SettingsCommand, state: SettingsState): SettingsEventDraft[] {
  switch (command.type) {
    case "SetMargin":
      assertMargin(command.k3BasisPoints);
      return [
        {
          type: "MarginSet",
          data: {
            adminId: command.adminId,
            k3BasisPoints: command.k3BasisPoints,
            previousK3BasisPoints: state.k3BasisPoints,
          },
        },
      ];
    case "SetCacheSubsidy":
      return [{ type: "CacheSubsidySet", data: { adminId: command.adminId, enabled: command.enabled } }];
    default: {
      const unknown: never = command;
      throw new Error(`decideSettings: unhandled command ${(unknown as { type: string }).type}`);
    }
  }
}
