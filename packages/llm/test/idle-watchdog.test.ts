import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IdleWatchdog } from "../src/index.ts";

describe("given an idle watchdog", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("when touched within the limit, then it does not fire", () => {
    const watchdog = new IdleWatchdog(100);
    watchdog.touch();
    vi.advanceTimersByTime(90);
    watchdog.touch();
    vi.advanceTimersByTime(90);
    expect(watchdog.fired).toBe(false);
    watchdog.dispose();
  });

  it("when silent for the limit, then its signal aborts", () => {
    const watchdog = new IdleWatchdog(100);
    watchdog.touch();
    vi.advanceTimersByTime(100);
    expect(watchdog.fired).toBe(true);
    expect(watchdog.signal.aborted).toBe(true);
  });

  it("when never touched or disposed, then it never fires", () => {
    const untouched = new IdleWatchdog(100);
    const disposed = new IdleWatchdog(100);
    disposed.touch();
    disposed.dispose();
    vi.advanceTimersByTime(1_000);
    expect(untouched.fired).toBe(false);
    expect(disposed.fired).toBe(false);
  });

  it("when the limit is not positive, then construction fails", () => {
    expect(() => new IdleWatchdog(0)).toThrow(RangeError);
  });
});
