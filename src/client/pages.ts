import { ApiError, Code } from "../api-error.js";

/** One page as every List RPC returns it: items plus the token of the next page ("" = last). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string;
}

/**
 * Yields every item of every page, fetching the next page only when the consumer gets there.
 * A server that hands back the token it was just given would loop forever; that is reported
 * as INTERNAL instead.
 * @throws ApiError from `fetchPage`, or INTERNAL on a repeated page token.
 */
export async function* allPages<T>(fetchPage: (pageToken: string) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let pageToken = "";
  for (;;) {
    const page = await fetchPage(pageToken);
    yield* page.items;
    if (page.nextPageToken === "") return;
    if (page.nextPageToken === pageToken) {
      throw new ApiError(Code.INTERNAL, "server returned the same page token twice; stopping to avoid an endless listing");
    }
    pageToken = page.nextPageToken;
  }
}

/** page_size to send: the caller's choice or the maximum (fewest round trips), as int64. */
export function pageSizeOf(requested: number | undefined, fallback = 1000): bigint {
  const size = requested ?? fallback;
  if (!Number.isInteger(size) || size < 0) throw ApiError.invalidArgument("pageSize", `must be a non-negative integer (got ${size})`);
  return BigInt(size);
}
