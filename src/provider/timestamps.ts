import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { parseRfc3339 } from "../resource/index.js";

/**
 * RFC 3339 text for a protobuf Timestamp, UTC, with the fraction only when there is one
 * (`2030-01-01T00:00:00Z`, `2030-01-01T00:00:00.5Z`). When `previous` names the same instant
 * (as the configuration wrote it), `previous` is returned, so that a refresh never shows a
 * spelling difference as drift.
 */
export function timestampText(timestamp: Timestamp | undefined, previous?: unknown): string | null {
  if (!timestamp) return null;
  if (typeof previous === "string") {
    const parsed = parseRfc3339(previous);
    if (parsed && BigInt(Math.floor(parsed.ms / 1000)) === timestamp.seconds && parsed.nanos === timestamp.nanos) return previous;
  }
  const whole = timestampDate(timestamp).toISOString().replace(/\.\d{3}Z$/, "");
  const fraction = timestamp.nanos ? `.${String(timestamp.nanos).padStart(9, "0").replace(/0+$/, "")}` : "";
  return `${whole}${fraction}Z`;
}
