import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ApiError } from "../api-error.js";
import { LIMITS } from "../resource/index.js";

/**
 * Opaque page tokens: base64url of version(1) | cursor(8, big-endian) | scope hash(8) |
 * HMAC-SHA256 truncated to 16 bytes. The cursor is the last seq of the previous page (keyset
 * pagination, so pages stay stable while rows are added or deleted); the scope hash binds
 * the token to one listing (method + parent id) so a token of another listing is rejected.
 * 33 bytes encode to 44 characters, well under the 100 the seed allows.
 */
const VERSION = 1;
const BODY_LENGTH = 1 + 8 + 8;
const MAC_LENGTH = 16;
const TOKEN_LENGTH = BODY_LENGTH + MAC_LENGTH;

function scopeHash(scope: string): Buffer {
  return createHash("sha256").update(scope).digest().subarray(0, 8);
}

function mac(key: Buffer, body: Buffer): Buffer {
  return createHmac("sha256", key).update(body).digest().subarray(0, MAC_LENGTH);
}

/** Encodes a cursor (a non-negative integer) for the listing named by `scope`. */
export function encodePageToken(key: Buffer, scope: string, cursor: number): string {
  const body = Buffer.alloc(BODY_LENGTH);
  body.writeUInt8(VERSION, 0);
  body.writeBigUInt64BE(BigInt(cursor), 1);
  scopeHash(scope).copy(body, 9);
  const token = Buffer.concat([body, mac(key, body)]).toString("base64url");
  if (token.length > LIMITS.pageTokenEmittedMaxLength) throw new Error("page token too long"); // cannot happen: fixed size
  return token;
}

/**
 * Decodes a token from a request: "" means the first page (cursor 0). Throws INVALID_ARGUMENT
 * naming `page_token` when the token is too long, malformed, tampered with, signed by another
 * server, or belongs to another listing.
 */
export function decodePageToken(key: Buffer, scope: string, token: string): number {
  if (token === "") return 0;
  if (token.length > LIMITS.pageTokenMaxLength) {
    throw ApiError.invalidArgument("page_token", `must be at most ${LIMITS.pageTokenMaxLength} characters`);
  }
  const invalid = () => ApiError.invalidArgument("page_token", "is not a page token issued for this listing");
  if (!/^[A-Za-z0-9_-]*$/.test(token)) throw invalid();
  const bytes = Buffer.from(token, "base64url");
  if (bytes.length !== TOKEN_LENGTH || bytes.toString("base64url") !== token) throw invalid();
  const body = bytes.subarray(0, BODY_LENGTH);
  if (!timingSafeEqual(mac(key, body), bytes.subarray(BODY_LENGTH))) throw invalid();
  if (body.readUInt8(0) !== VERSION || !body.subarray(9, 17).equals(scopeHash(scope))) throw invalid();
  const cursor = body.readBigUInt64BE(1);
  if (cursor > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid();
  return Number(cursor);
}
