import { decode, encode, ExtData, ExtensionCodec } from "@msgpack/msgpack";
import type { TerraformType } from "../resource/index.js";

/**
 * Terraform values as DynamicValue carries them (msgpack, cty's encoding), converted to plain
 * JavaScript under a schema type: null, UNKNOWN, strings, numbers, booleans, arrays for lists
 * and sets, records for maps and objects. Objects always carry exactly the attributes of their
 * type (missing ones become null, extra ones are dropped), because Terraform rejects any other
 * shape ("an object with N attributes is required").
 */

/** The marker of a value Terraform does not know yet (msgpack extension type 0). */
export class UnknownValue {
  toString(): string {
    return "(known after apply)";
  }
}

/** The one unknown value: compare with `===`. */
export const UNKNOWN = new UnknownValue();

export type TerraformValue =
  | null
  | UnknownValue
  | string
  | number
  | boolean
  | TerraformValue[]
  | { [name: string]: TerraformValue };

/** A Terraform object (resource state, configuration), attribute name -> value. */
export type TerraformObject = { [name: string]: TerraformValue };

// cty writes unknowns as extension 0 with one zero byte (`d4 00 00`); Terraform 1.11 may send
// extension 12 ("refined unknown"), so every extension type decodes as unknown.
const extensionCodec = new ExtensionCodec();
extensionCodec.register({
  type: 0,
  encode: (input) => (input === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});

/** Encodes `value` as msgpack under `type`. Objects get exactly their type's attributes. */
export function encodeDynamicValue(type: TerraformType, value: TerraformValue): Uint8Array {
  return encode(conform(type, value, "encode"), { extensionCodec, ignoreUndefined: false });
}

/**
 * Decodes DynamicValue msgpack bytes under `type`. Empty bytes mean null. Every msgpack
 * extension value is unknown.
 * @throws Error naming the attribute path when the value does not fit the type.
 */
export function decodeDynamicValue(type: TerraformType, bytes: Uint8Array): TerraformValue {
  if (bytes.length === 0) return null;
  return conform(type, decode(bytes, { extensionCodec }) as unknown, "msgpack");
}

/**
 * Converts stored JSON (UpgradeResourceState's raw_state.json) under `type`: unknown
 * attributes are dropped, missing ones become null. JSON cannot hold unknowns.
 * @throws Error naming the attribute path when a value does not fit the type.
 */
export function valueFromJson(type: TerraformType, json: unknown): TerraformValue {
  return conform(type, json, "json");
}

/** The object type of a block whose attributes are `attributes` (name -> type). */
export function objectType(attributes: Readonly<Record<string, TerraformType>>): TerraformType {
  return ["object", attributes];
}

/** True when `value` is UNKNOWN or holds an UNKNOWN anywhere inside. */
export function containsUnknown(value: TerraformValue): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

type Source = "msgpack" | "json" | "encode";

function conform(type: TerraformType, raw: unknown, source: Source, path = ""): TerraformValue {
  if (raw === null || raw === undefined) return null;
  if (raw === UNKNOWN || raw instanceof ExtData) {
    if (source === "json") throw new Error(`${path || "value"}: JSON state cannot hold an unknown value`);
    return UNKNOWN;
  }
  const where = path || "value";
  if (type === "string") {
    if (typeof raw !== "string") throw new Error(`${where}: expected a string`);
    return raw;
  }
  if (type === "bool") {
    if (typeof raw !== "boolean") throw new Error(`${where}: expected a bool`);
    return raw;
  }
  if (type === "number") {
    // cty sends numbers too large for float64 as decimal strings.
    if (typeof raw === "number") return raw;
    if (typeof raw === "string" && raw.trim() !== "" && !Number.isNaN(Number(raw))) return Number(raw);
    throw new Error(`${where}: expected a number`);
  }
  if (type[0] === "list" || type[0] === "set") {
    const element = type[1];
    if (!Array.isArray(raw)) throw new Error(`${where}: expected a ${type[0]}`);
    return raw.map((item, index) => conform(element, item, source, `${where}[${index}]`));
  }
  if (typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${where}: expected ${type[0] === "map" ? "a map" : "an object"}`);
  const record = raw as Record<string, unknown>;
  if (type[0] === "map") {
    const element = type[1];
    return Object.fromEntries(
      Object.entries(record).map(([key, item]) => [key, conform(element, item, source, `${where}["${key}"]`)]),
    );
  }
  return Object.fromEntries(
    Object.entries(type[1]).map(([name, attributeType]) => [
      name,
      conform(attributeType, record[name], source, path ? `${path}.${name}` : name),
    ]),
  );
}
