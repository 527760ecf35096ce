import { describe, expect, it } from "vitest";
import {
  decideSettings,
  domainEvents,
  evolveSettings,
  fixedClock,
  initialSettings,
  MAX_K3_BASIS_POINTS,
  type SettingsCommand,
  type SettingsEvent,
  type SettingsState,
  StarsPricingError,
  sequentialIds,
  stampEvents,
} from "../src/index.ts";

const source = { clock: fixedClock("2026-11-26T10:00:00.000Z"), ids: sequentialIds() };

function apply(commands: readonly SettingsCommand[], from: SettingsState = initialSettings) {
  let state = from;
  const events: SettingsEvent[] = [];
  for (const command of commands) {
    const stamped = stampEvents(domainEvents, decideSettings(command, state), source, {
      correlationId: "t",
      userId: 1,
    }) as SettingsEvent[];
    for (const event of stamped) state = evolveSettings(state, event);
    events.push(...stamped);
  }
  return { state, events };
}

describe("given the operator settings", () => {
  it("when nothing was set, then the margin is zero and users pay cache writes", () => {
    expect(initialSettings).toEqual({ k3BasisPoints: 0, cacheWriteSubsidy: false });
  });

  it("when the margin is set twice, then each MarginSet records the admin and the previous margin", () => {
    const { state, events } = apply([
      { type: "SetMargin", adminId: 1, k3BasisPoints: 1_000 },
      { type: "SetMargin", adminId: 2, k3BasisPoints: 2_500 },
    ]);
    expect(events.map((event) => event.data)).toEqual([
      { adminId: 1, k3BasisPoints: 1_000, previousK3BasisPoints: 0 },
      { adminId: 2, k3BasisPoints: 2_500, previousK3BasisPoints: 1_000 },
    ]);
    expect(state.k3BasisPoints).toBe(2_500);
  });

  it("when the margin would make k1 + k2 + k3 exceed 100 %, then it is refused", () => {
    expect(() =>
      decideSettings(
        { type: "SetMargin", adminId: 1, k3BasisPoints: MAX_K3_BASIS_POINTS + 1 },
        initialSettings,
      ),
    ).toThrow(StarsPricingError);
    expect(
      decideSettings({ type: "SetMargin", adminId: 1, k3BasisPoints: MAX_K3_BASIS_POINTS }, initialSettings),
    ).toHaveLength(1);
  });

  it("when the cache subsidy is switched on and off, then the state follows and each change names the admin", () => {
    const { state, events } = apply([
      { type: "SetCacheSubsidy", adminId: 1, enabled: true },
      { type: "SetCacheSubsidy", adminId: 1, enabled: false },
    ]);
    expect(events.map((event) => event.type)).toEqual(["CacheSubsidySet", "CacheSubsidySet"]);
    expect(state.cacheWriteSubsidy).toBe(false);
    expect(apply([{ type: "SetCacheSubsidy", adminId: 1, enabled: true }]).state.cacheWriteSubsidy).toBe(
      true,
    );
  });
});
