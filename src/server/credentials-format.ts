import { createHash, randomBytes, randomFillSync } from "node:crypto";

/**
 * Formats of what the server mints: resource ids, API key secrets, admin tokens. Each draws
 * from the crypto CSPRNG and maps bytes onto an alphabet whose size divides 256, so a plain
 * `byte & (size - 1)` has no modulo bias.
 */

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"; // 32 characters: [0-9a-v]
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"; // 64 characters

/** Length of the random part of an id (the public format: 3-character prefix + 17). */
export const ID_RANDOM_LENGTH = 17;
export const SECRET_PREFIX = "AQVN";
export const SECRET_RANDOM_LENGTH = 36;

// One randomFillSync per 8 KiB instead of per id, secret and nonce (a Create needs three):
// each call into the CSPRNG costs microseconds whatever its size. Bytes are handed out once,
// in order, and zeroed once handed out, so the pool never holds what a caller already got.
const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafeSlow(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** Reserves `length` fresh bytes of the pool (refilled when short); returns their offset. */
function takeFromPool(length: number): number {
  if (poolOffset + length > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const offset = poolOffset;
  poolOffset += length;
  return offset;
}

/**
 * `length` bytes from the crypto CSPRNG (through the pool), never handed out before.
 * Throws a RangeError above 1024 bytes (use crypto.randomBytes for bulk).
 */
export function freshRandomBytes(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 1024) throw new RangeError(`length: must be an integer from 0 to 1024 (got ${length})`);
  const offset = takeFromPool(length);
  const bytes = Buffer.from(pool.subarray(offset, offset + length));
  pool.fill(0, offset, offset + length);
  return bytes;
}

function randomString(alphabet: string, length: number): string {
  const offset = takeFromPool(length);
  const mask = alphabet.length - 1;
  let text = "";
  for (let index = offset; index < offset + length; index++) text += alphabet[(pool[index] as number) & mask];
  pool.fill(0, offset, offset + length);
  return text;
}

/** A new resource id: `prefix` (3 characters, e.g. `aje`) + 17 characters of [0-9a-v]. */
export function newResourceId(prefix: string): string {
  return prefix + randomString(ID_ALPHABET, ID_RANDOM_LENGTH);
}

/** A new API key secret: `AQVN` + 36 characters of [A-Za-z0-9_-] (216 random bits). */
export function newApiKeySecret(): string {
  return SECRET_PREFIX + randomString(SECRET_ALPHABET, SECRET_RANDOM_LENGTH);
}

/** What may be shown of a secret: `****` + its last six characters. */
export function maskSecret(secret: string): string {
  return `****${secret.slice(-6)}`;
}

/** A new admin token: 32 random bytes, base64url (43 characters). */
export function newAdminToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * SHA-256 hex of a secret or token: what the server stores and looks up. Secrets carry 200+
 * random bits, so a slow password hash would buy nothing.
 */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}
