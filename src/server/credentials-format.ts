import { createHash, randomBytes } from "node:crypto";

/**
 * Formats of what the server mints: resource ids, API key secrets, admin tokens. Each draws
 * from crypto.randomBytes and maps bytes onto an alphabet whose size divides 256, so a plain
 * `byte & (size - 1)` has no modulo bias.
 */

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"; // 32 characters: [0-9a-v]
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"; // 64 characters

/** Length of the random part of an id (the public format: 3-character prefix + 17). */
export const ID_RANDOM_LENGTH = 17;
export const SECRET_PREFIX = "AQVN";
export const SECRET_RANDOM_LENGTH = 36;

function randomString(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  const mask = alphabet.length - 1;
  let text = "";
  for (const byte of bytes) text += alphabet[byte & mask];
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
