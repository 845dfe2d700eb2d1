import { describe, expect, it } from "vitest";
import type { TerraformType } from "../../src/resource/index.js";
import type { TerraformValue } from "../../src/provider/dynamic-value.js";
import { UNKNOWN, containsUnknown, decodeDynamicValue, encodeDynamicValue, valueFromJson } from "../../src/provider/dynamic-value.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytes = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));
const pair: TerraformType = ["object", { a: "string", b: ["list", "string"] }];

describe("encodeDynamicValue", () => {
  const cases: { reason: string; type: TerraformType; value: TerraformValue; want: string }[] = [
    { reason: "null is msgpack nil", type: "string", value: null, want: "c0" },
    { reason: "unknown is fixext1 type 0 with a zero byte", type: "string", value: UNKNOWN, want: "d40000" },
    { reason: "short string", type: "string", value: "a", want: "a161" },
    { reason: "bool", type: "bool", value: true, want: "c3" },
    { reason: "small integer", type: "number", value: 5, want: "05" },
    { reason: "fraction as float64", type: "number", value: 1.5, want: "cb3ff8000000000000" },
    { reason: "list with an unknown element", type: ["list", "string"], value: ["x", UNKNOWN], want: "92a178d40000" },
    { reason: "map", type: ["map", "string"], value: { k: "v" }, want: "81a16ba176" },
    { reason: "object gets its missing attributes as nil", type: pair, value: { a: "x" }, want: "82a161a178a162c0" },
    { reason: "object drops attributes its type lacks", type: ["object", { a: "string" }], value: { a: "x", z: "q" }, want: "81a161a178" },
    { reason: "unknown object stays one unknown", type: pair, value: UNKNOWN, want: "d40000" },
  ];
  it.each(cases)("$reason", ({ type, value, want }) => {
    expect(hex(encodeDynamicValue(type, value))).toBe(want);
  });
});

describe("decodeDynamicValue", () => {
  const cases: { reason: string; type: TerraformType; input: string; want: TerraformValue }[] = [
    { reason: "empty DynamicValue is null", type: pair, input: "", want: null },
    { reason: "nil is null", type: "string", input: "c0", want: null },
    { reason: "ext 0 is unknown", type: "string", input: "d40000", want: UNKNOWN },
    { reason: "ext 12 (refined unknown) is unknown too", type: ["list", "string"], input: "d50c0102", want: UNKNOWN },
    { reason: "object with a missing attribute gets null", type: pair, input: "81a161a178", want: { a: "x", b: null } },
    { reason: "object attribute unknown", type: pair, input: "82a161d40000a16291a179", want: { a: UNKNOWN, b: ["y"] } },
    { reason: "big number sent as decimal string", type: "number", input: "a23132", want: 12 },
    { reason: "float64", type: "number", input: "cb3ff8000000000000", want: 1.5 },
  ];
  it.each(cases)("$reason", ({ type, input, want }) => {
    expect(decodeDynamicValue(type, bytes(input))).toEqual(want);
  });

  it.each([
    { reason: "string attribute given a number", type: pair, input: "81a16105", want: "a: expected a string" },
    { reason: "list element given a bool", type: pair, input: "81a16291c3", want: "b[0]: expected a string" },
    { reason: "object given a string", type: pair, input: "a178", want: "value: expected an object" },
  ])("rejects $reason naming the path", ({ type, input, want }) => {
    expect(() => decodeDynamicValue(type, bytes(input))).toThrow(want);
  });

  it("round-trips a resource-shaped object", () => {
    const value = { a: "x", b: ["p", UNKNOWN] };
    expect(decodeDynamicValue(pair, encodeDynamicValue(pair, value))).toEqual(value);
  });
});

describe("valueFromJson", () => {
  it.each([
    { reason: "extra stored attributes are dropped, missing ones null", input: { a: "x", old: 1 }, want: { a: "x", b: null } },
    { reason: "null state stays null", input: null, want: null },
    { reason: "lists are kept", input: { a: null, b: ["s"] }, want: { a: null, b: ["s"] } },
  ])("$reason", ({ input, want }) => {
    expect(valueFromJson(pair, input)).toEqual(want);
  });

  it("rejects a wrongly typed stored attribute naming it", () => {
    expect(() => valueFromJson(pair, { b: "not a list" })).toThrow("b: expected a list");
  });
});

describe("containsUnknown", () => {
  it.each([
    { reason: "plain string", value: "x", want: false },
    { reason: "nested unknown in a list", value: { b: ["x", UNKNOWN] }, want: true },
    { reason: "null", value: null, want: false },
  ] as { reason: string; value: TerraformValue; want: boolean }[])("$reason", ({ value, want }) => {
    expect(containsUnknown(value)).toBe(want);
  });
});
