/**
 * Strings in Terraform JSON are templates: `${...}` interpolates and `%{...}` is a directive,
 * while `$${` and `%%{` are escapes for the literal text. keyform evaluates no expressions, so
 * a string is either a literal (returned unescaped) or contains an expression (rejected by the
 * caller, except a whole-string attribute reference in an output).
 */
export type TemplateText = { readonly kind: "literal"; readonly text: string } | { readonly kind: "expression" };

export function parseTemplate(text: string): TemplateText {
  let literal = "";
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    const next = text[index + 1];
    if ((char === "$" || char === "%") && next === char && text[index + 2] === "{") {
      literal += `${char}{`;
      index += 2;
    } else if ((char === "$" || char === "%") && next === "{") {
      return { kind: "expression" };
    } else {
      literal += char;
    }
  }
  return { kind: "literal", text: literal };
}

/** A whole-string reference `${[data.]<type>.<name>.<attribute>[path]}`. */
export interface ParsedReference {
  /** `keyform_api_key.ci` or `data.keyform_api_keys.all`. */
  readonly address: string;
  readonly type: string;
  readonly attribute: string;
  readonly path: readonly (string | number)[];
}

const REFERENCE = /^\$\{((?:data\.)?([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*))\.([A-Za-z_][\w-]*)((?:\[\d+\]|\.[A-Za-z_][\w-]*|\["[^"\\]*"\])*)\}$/;
const PATH_STEP = /\[(\d+)\]|\.([A-Za-z_][\w-]*)|\["([^"\\]*)"\]/g;

/** Parses a string that is exactly one attribute reference; undefined for anything else. */
export function parseReference(text: string): ParsedReference | undefined {
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  const [, address, type, , attribute, steps] = match;
  if (address === undefined || type === undefined || attribute === undefined) return undefined;
  const path: (string | number)[] = [];
  for (const step of (steps ?? "").matchAll(PATH_STEP)) {
    path.push(step[1] !== undefined ? Number(step[1]) : (step[2] ?? step[3] ?? ""));
  }
  return { address, type, attribute, path };
}

/**
 * Deep copy of a JSON value with every string unescaped; `onExpression` is called with the
 * JSON path of each string holding an expression (which is then left as is).
 */
export function literalJson(value: unknown, onExpression: (path: readonly (string | number)[]) => void, path: readonly (string | number)[] = []): unknown {
  if (typeof value === "string") {
    const parsed = parseTemplate(value);
    if (parsed.kind === "literal") return parsed.text;
    onExpression(path);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => literalJson(item, onExpression, [...path, index]));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, literalJson(item, onExpression, [...path, key])]));
  }
  return value;
}
