import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

/** Stands in for a request message whose bytes did not decode; the unary adapter rejects it. */
export class UndecodableRequest {
  /** Shown to the client: it names the field and describes the bytes, never quotes them. */
  constructor(readonly problem: string) {}
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const NOT_UTF8 = "is not valid UTF-8";
const TRUNCATED = "is truncated or malformed";

function utf8Problem(bytes: Uint8Array): string | undefined {
  try {
    strictUtf8.decode(bytes);
    return undefined;
  } catch {
    return NOT_UTF8;
  }
}

/** The problem of one map entry (key = 1, value = 2) whose key or value is a string. */
function mapEntryProblem(field: DescField & { fieldKind: "map" }, bytes: Uint8Array): string | undefined {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    if (wireType !== WireType.LengthDelimited) {
      reader.skip(wireType, number);
      continue;
    }
    const value = reader.bytes();
    const isString = number === 1 ? field.mapKey === ScalarType.STRING : field.mapKind === "scalar" && field.scalar === ScalarType.STRING;
    if (isString && utf8Problem(value)) return `has an entry that ${NOT_UTF8}`;
  }
  return undefined;
}

/** Where the bytes of a message go wrong: `path` is a dotted field path, "" for the message itself. */
interface DecodeProblem {
  readonly path: string;
  readonly message: string;
}

function join(name: string, inner: DecodeProblem): DecodeProblem {
  return { path: inner.path === "" ? name : `${name}.${inner.path}`, message: inner.message };
}

/** The problem of the length-delimited bytes of one field, if any. */
function valueProblem(field: DescField, bytes: Uint8Array): DecodeProblem | undefined {
  const isString = (field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar")) && field.scalar === ScalarType.STRING;
  const message = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
  let problem: string | undefined;
  if (isString) problem = utf8Problem(bytes);
  else if (field.fieldKind === "map") problem = mapEntryProblem(field, bytes);
  else if (message) {
    const inner = messageProblem(message, bytes);
    if (inner) return join(field.name, inner);
  }
  return problem === undefined ? undefined : { path: field.name, message: problem };
}

function messageProblem(schema: DescMessage, bytes: Uint8Array): DecodeProblem | undefined {
  const reader = new BinaryReader(bytes);
  let path = "";
  try {
    while (reader.pos < reader.len) {
      const [number, wireType] = reader.tag();
      const field = schema.fields.find((candidate) => candidate.number === number);
      path = field?.name ?? `field ${number}`;
      if (wireType !== WireType.LengthDelimited || !field) {
        reader.skip(wireType, number);
        continue;
      }
      const problem = valueProblem(field, reader.bytes());
      if (problem) return problem;
    }
  } catch {
    return { path, message: TRUNCATED };
  }
  return undefined;
}

/**
 * Says which field of `schema` makes `bytes` undecodable, and how: `api_key_id: is not valid
 * UTF-8`, `expires_at.nanos: is truncated or malformed`, or `request: ...` when no field can be
 * named. Meant for bytes that fromBinary rejected; never quotes them.
 */
export function describeDecodeFailure(schema: DescMessage, bytes: Uint8Array): string {
  const problem = messageProblem(schema, bytes);
  if (!problem) return `request: is not a valid encoding of ${schema.typeName}`;
  return `${problem.path === "" ? "request" : problem.path}: ${problem.message}`;
}

/**
 * A request deserializer for grpc-js that never throws. grpc-js answers a throwing one with
 * INTERNAL "Error deserializing request", but bad bytes are the client's input: this returns
 * an UndecodableRequest instead, which the unary adapter turns into INVALID_ARGUMENT.
 */
export function tolerantDeserializer(schema: DescMessage, decode: (bytes: Buffer) => unknown): (bytes: Buffer) => unknown {
  return (bytes) => {
    try {
      return decode(bytes);
    } catch {
      return new UndecodableRequest(describeDecodeFailure(schema, bytes));
    }
  };
}
