/** Default number of changes (and of interrupted resources in recovery) in flight. */
export const DEFAULT_PARALLELISM = 16;

/** The slot of an item never started because `signal` was aborted. */
export class NotStartedError extends Error {
  constructor() {
    super("not started: the run was interrupted");
    this.name = "NotStartedError";
  }
}

/**
 * Runs `work` over `items` with at most `limit` calls in flight, preserving the input order
 * of results. A failing item rejects only its own slot: results are settled, so one bad key
 * never stops the others. Once `signal` is aborted no new item starts (their slots reject
 * with NotStartedError); items in flight finish.
 */
export async function mapSettledBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      if (signal?.aborted) {
        results[next] = { status: "rejected", reason: new NotStartedError() };
        next++;
        continue;
      }
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await work(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  }
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return results;
}
