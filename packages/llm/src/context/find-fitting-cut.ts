/**
 * Finds the smallest cut (fewest oldest messages dropped) whose prompt fits a token
 * budget, asking the provider's exact counter as few times as possible.
 */

/** Share of the budget under which the estimate is trusted without asking the counter. */
export const TRUST_ESTIMATE_BELOW = 0.9;

/** Input of {@link findFittingCut}. */
export interface FittingCutSearch {
  /** Estimated prompt tokens per candidate cut; candidates drop more and more, so estimates do not increase. */
  readonly estimates: readonly number[];
  readonly budget: number;
  /** Exact prompt tokens of candidate `index` (the provider's counter). */
  readonly count: (index: number) => Promise<number>;
  /** Upper bound on `count` calls. */
  readonly maxCalls: number;
}

/** The chosen candidate. */
export interface FittingCut {
  readonly index: number;
  /** Counted tokens, or the (calibrated) estimate when `counted` is false. */
  readonly tokens: number;
  /** False when the estimate alone decided (well under budget, or the call budget ran out). */
  readonly counted: boolean;
}

// Calibrated guesses first (the estimate is usually close, up to a scale factor), then
// plain bisection so the number of calls stays logarithmic whatever the estimate does.
const CALIBRATED_PROBES = 2;

/**
 * Returns the smallest candidate index that fits, or undefined when even the last one
 * (the most dropped) does not.
 *
 * - If the first candidate's estimate is under 90% of the budget, it is taken uncounted.
 * - Otherwise candidates are probed with `count`: first where the estimate, scaled by
 *   the last counted/estimated ratio, says the cut should be, then by bisection.
 * - If `maxCalls` runs out, the smallest counted fit is returned; with none, the last
 *   candidate (most dropped) is returned uncounted, the safest unverified choice.
 */
export async function findFittingCut(search: FittingCutSearch): Promise<FittingCut | undefined> {
  const { estimates, budget, count, maxCalls } = search;
  const first = estimates[0];
  if (first === undefined) return undefined;
  if (first <= budget * TRUST_ESTIMATE_BELOW) return { index: 0, tokens: first, counted: false };

  let lo = 0;
  let hi = estimates.length - 1;
  let ratio = 1;
  let best: FittingCut | undefined;
  let calls = 0;
  while (lo <= hi && calls < maxCalls) {
    const pivot =
      calls < CALIBRATED_PROBES ? calibratedGuess(estimates, budget, ratio, lo, hi) : (lo + hi) >> 1;
    const tokens = await count(pivot);
    calls += 1;
    ratio = tokens / Math.max(1, estimates[pivot] ?? 1);
    if (tokens <= budget) {
      best = { index: pivot, tokens, counted: true };
      hi = pivot - 1;
    } else {
      lo = pivot + 1;
    }
  }
  if (best !== undefined) return best;
  const last = estimates.length - 1;
  if (lo > last) return undefined;
  return { index: last, tokens: Math.ceil((estimates[last] ?? 0) * ratio), counted: false };
}

function calibratedGuess(
  estimates: readonly number[],
  budget: number,
  ratio: number,
  lo: number,
  hi: number,
): number {
  for (let index = lo; index <= hi; index++) {
    if ((estimates[index] ?? 0) * ratio <= budget) return index;
  }
  return hi;
}
