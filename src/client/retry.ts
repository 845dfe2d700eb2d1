import { Code } from "../api-error.js";

/** Codes after which the same request may be sent again (with the same idempotency key). */
const RETRYABLE_CODES: ReadonlySet<number> = new Set([Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED]);

/** True when a call that failed with `code` may be retried. */
export function isRetryableCode(code: number): boolean {
  return RETRYABLE_CODES.has(code);
}

export interface BackoffPolicy {
  /** Delay before the first retry, in ms. */
  readonly initialMs: number;
  /** Growth factor per retry. */
  readonly multiplier: number;
  /** Upper bound of the delay before jitter, in ms. */
  readonly maxMs: number;
}

/**
 * Delay before retry number `retry` (1 = the first retry): exponential growth capped at
 * `maxMs`, then "equal jitter" (a random point in the upper half), so that many clients
 * retrying at once spread out while each still waits at least half the nominal delay.
 * `random` returns a number in [0, 1); it is a parameter so that tests can pin it.
 */
export function backoffDelayMs(policy: BackoffPolicy, retry: number, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** Math.max(0, retry - 1));
  return Math.round(nominal / 2 + (nominal / 2) * random());
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
