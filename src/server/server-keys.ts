import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { join } from "node:path";
import { freshRandomBytes } from "./credentials-format.js";
import { readOrCreateSecretFile } from "./exclusive-file.js";

/** File in the data dir holding the server's master key (32 random bytes, mode 0600). */
export const SERVER_KEY_FILE = "server-key";

/**
 * Keys derived from the server's master key: one signs page tokens (HMAC-SHA256), one
 * encrypts the Create responses kept for idempotent replay (AES-256-GCM).
 */
export interface ServerKeys {
  readonly pageTokenKey: Buffer;
  /** Encrypts with a fresh 12-byte nonce: nonce || ciphertext || 16-byte tag. */
  seal(plaintext: Uint8Array): Buffer;
  /** Inverse of seal; throws when the data was tampered with or sealed by another key. */
  open(sealed: Uint8Array): Buffer;
}

/**
 * Loads `<dataDir>/server-key`, creating it (exclusive create, mode 0600) on first start.
 * Throws when the file exists but is not 32 bytes.
 */
export function loadServerKeys(dataDir: string): ServerKeys {
  const path = join(dataDir, SERVER_KEY_FILE);
  const master = readOrCreateSecretFile(path, () => randomBytes(32));
  if (master.length !== 32) throw new Error(`${path}: expected 32 bytes, found ${master.length}; restore it or delete it (page tokens and stored Create replays become invalid)`);
  const derive = (purpose: string) => Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `keyform ${purpose}`, 32));
  const pageTokenKey = derive("page-token");
  const encryptionKey = derive("idempotency-encryption");
  return {
    pageTokenKey,
    seal(plaintext) {
      const nonce = freshRandomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", encryptionKey, nonce);
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]);
    },
    open(sealed) {
      const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      if (data.length < 28) throw new Error("sealed data too short");
      const decipher = createDecipheriv("aes-256-gcm", encryptionKey, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    },
  };
}
