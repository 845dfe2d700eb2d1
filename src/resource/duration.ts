const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const DURATION_PATTERN = /^(?:\d+[dhms])+$/;

/**
 * Parses a rotation duration such as `90d`, `720h` or `1d12h`. Returns milliseconds, or
 * undefined when the text is not a positive duration.
 */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+)([dhms])/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0);
  }
  return total > 0 && Number.isSafeInteger(total) ? total : undefined;
}
