import { ENCRYPTED_VALUE, SENSITIVE_VALUE } from "../types.js";
import type { ShownValues } from "../types.js";

/** Sign of a line in the Terraform-style diff: added, removed, changed, or unchanged (blank). */
export type Sign = "+" | "-" | "~" | " ";

/** One rendered line: its sign (colored by the caller) and the text after it. */
export interface DiffLine {
  readonly indent: number;
  readonly sign: Sign | null;
  readonly text: string;
}

const MARKERS = new Set([SENSITIVE_VALUE, ENCRYPTED_VALUE]);
const KNOWN_AFTER_APPLY = "(known after apply)";
/** Attributes Terraform always shows, even unchanged, so a reader can tell keys apart. */
const ALWAYS_SHOWN = new Set(["id"]);

/** A scalar as Terraform prints it: quoted JSON strings, markers bare. */
export function formatScalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string" && MARKERS.has(value)) return value;
  return JSON.stringify(value);
}

function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

function isMap(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function same(left: unknown, right: unknown): boolean {
  return JSON.stringify(left ?? null) === JSON.stringify(right ?? null);
}

/** Attribute names of a resource block, alphabetical as Terraform prints them. */
function namesOf(...sources: (Readonly<Record<string, unknown>> | null)[]): string[] {
  const names = new Set<string>();
  for (const source of sources) for (const name of Object.keys(source ?? {})) names.add(name);
  return [...names].sort();
}

/**
 * The attribute lines of one resource block, Terraform style: `+ name = value` (added),
 * `- name = value -> null` (removed), `~ name = old -> new`, `(known after apply)` for unknown
 * values, ` # forces replacement` on replace paths, unchanged attributes hidden (except id)
 * and counted. Names are padded to the longest shown name. Lists and maps span lines.
 */
export function attributeLines(
  before: ShownValues | null,
  after: ShownValues | null,
  afterUnknown: Readonly<Record<string, boolean>>,
  replacePaths: readonly string[],
  indent: number,
): DiffLine[] {
  type Entry = { name: string; sign: Sign; render: (padded: string) => DiffLine[] };
  const entries: Entry[] = [];
  let hidden = 0;
  for (const name of namesOf(before, after, afterUnknown)) {
    const old = before === null ? undefined : before[name];
    const next = after === null ? undefined : after[name];
    const unknown = afterUnknown[name] === true;
    const forces = replacePaths.includes(name) ? " # forces replacement" : "";
    const nextText = (value: unknown) => (unknown ? (value === SENSITIVE_VALUE || name === "secret_key" ? SENSITIVE_VALUE : KNOWN_AFTER_APPLY) : formatScalar(value));
    if (after === null) {
      if (old === null || old === undefined) continue;
      entries.push({ name, sign: "-", render: (padded) => valueLines(indent, "-", padded, old, null, "removed") });
    } else if (before === null || old === null || old === undefined) {
      if (!unknown && (next === null || next === undefined)) continue;
      if (unknown) entries.push({ name, sign: "+", render: (padded) => [{ indent, sign: "+", text: `${padded} = ${nextText(next)}${forces}` }] });
      else entries.push({ name, sign: "+", render: (padded) => valueLines(indent, "+", padded, next, forces, "added") });
    } else if (unknown) {
      const text = name === "secret_key" ? SENSITIVE_VALUE : `${formatScalar(old)} -> ${KNOWN_AFTER_APPLY}`;
      entries.push({ name, sign: "~", render: (padded) => [{ indent, sign: "~", text: `${padded} = ${text}${forces}` }] });
    } else if (same(old, next)) {
      if (ALWAYS_SHOWN.has(name)) entries.push({ name, sign: " ", render: (padded) => [{ indent, sign: " ", text: `${padded} = ${formatScalar(old)}` }] });
      else hidden++;
    } else if (next === null || next === undefined) {
      entries.push({ name, sign: "-", render: (padded) => valueLines(indent, "-", padded, old, forces, "removed") });
    } else {
      entries.push({ name, sign: "~", render: (padded) => changedLines(indent, padded, old, next, forces) });
    }
  }
  const width = Math.max(0, ...entries.map((entry) => entry.name.length));
  const lines = entries.flatMap((entry) => entry.render(entry.name.padEnd(width)));
  if (hidden > 0) lines.push({ indent, sign: " ", text: `# (${hidden} unchanged attribute${hidden === 1 ? "" : "s"} hidden)` });
  return lines;
}

/** A whole value added or removed; collections list each element with the same sign. */
function valueLines(indent: number, sign: "+" | "-", name: string, value: unknown, forces: string | null, mode: "added" | "removed"): DiffLine[] {
  const tail = mode === "removed" ? " -> null" : "";
  const suffix = forces ?? "";
  if (isList(value) && value.length > 0) {
    return [
      { indent, sign, text: `${name} = [${suffix}` },
      ...value.map((item) => ({ indent: indent + 4, sign, text: `${formatScalar(item)},` })),
      { indent: indent + 2, sign: null, text: `]${tail}` },
    ];
  }
  if (isMap(value) && Object.keys(value).length > 0) {
    return [
      { indent, sign, text: `${name} = {${suffix}` },
      ...mapEntries(value).map(([key, item]) => ({ indent: indent + 4, sign, text: `${JSON.stringify(key)} = ${formatScalar(item)}` })),
      { indent: indent + 2, sign: null, text: `}${tail}` },
    ];
  }
  const shown = isList(value) ? "[]" : isMap(value) ? "{}" : formatScalar(value);
  return [{ indent, sign, text: `${name} = ${shown}${tail}${suffix}` }];
}

/** An attribute changed in place: scalars as `old -> new`, collections element by element. */
function changedLines(indent: number, name: string, old: unknown, next: unknown, forces: string): DiffLine[] {
  if (isList(old) && isList(next)) {
    const removed = old.filter((item) => !next.some((candidate) => same(candidate, item)));
    const kept = next.filter((item) => old.some((candidate) => same(candidate, item)));
    const added = next.filter((item) => !old.some((candidate) => same(candidate, item)));
    return [
      { indent, sign: "~", text: `${name} = [${forces}` },
      ...removed.map((item) => ({ indent: indent + 4, sign: "-" as const, text: `${formatScalar(item)},` })),
      ...added.map((item) => ({ indent: indent + 4, sign: "+" as const, text: `${formatScalar(item)},` })),
      ...(kept.length > 0 ? [{ indent: indent + 4, sign: " " as const, text: `# (${kept.length} unchanged element${kept.length === 1 ? "" : "s"} hidden)` }] : []),
      { indent: indent + 2, sign: null, text: "]" },
    ];
  }
  if (isMap(old) && isMap(next)) {
    const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
    const lines: DiffLine[] = [{ indent, sign: "~", text: `${name} = {${forces}` }];
    for (const key of keys) {
      const quoted = JSON.stringify(key);
      if (!(key in next)) lines.push({ indent: indent + 4, sign: "-", text: `${quoted} = ${formatScalar(old[key])} -> null` });
      else if (!(key in old)) lines.push({ indent: indent + 4, sign: "+", text: `${quoted} = ${formatScalar(next[key])}` });
      else if (!same(old[key], next[key])) lines.push({ indent: indent + 4, sign: "~", text: `${quoted} = ${formatScalar(old[key])} -> ${formatScalar(next[key])}` });
    }
    lines.push({ indent: indent + 2, sign: null, text: "}" });
    return lines;
  }
  return [{ indent, sign: "~", text: `${name} = ${formatCompact(old)} -> ${formatCompact(next)}${forces}` }];
}

/** A value on one line (used when a scalar becomes a collection or back). */
function formatCompact(value: unknown): string {
  if (isList(value) || isMap(value)) return JSON.stringify(value);
  return formatScalar(value);
}

function mapEntries(value: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(value).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
}
