import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freshRandomBytes, newApiKeySecret, newResourceId } from "../../src/server/credentials-format.js";
import { loadServerKeys } from "../../src/server/server-keys.js";

/**
 * Ids, secrets and nonces come from one pooled CSPRNG buffer of 8 KiB: enough draws here to
 * refill it several times, so a pool that handed bytes out twice or skewed the alphabet
 * would show up as repeats or missing characters.
 */
const dataDir = mkdtempSync(join(tmpdir(), "keyform-random-pool-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuv";

describe("pooled randomness", () => {
  it.each([
    { reason: "secrets", make: newApiKeySecret, pattern: /^AQVN[A-Za-z0-9_-]{36}$/, strip: 4, alphabet: SECRET_ALPHABET },
    { reason: "api key ids", make: () => newResourceId("aje"), pattern: /^aje[0-9a-v]{17}$/, strip: 3, alphabet: ID_ALPHABET },
  ])("$reason: 2000 draws across refills are well-formed, all distinct and use the whole alphabet", ({ make, pattern, strip, alphabet }) => {
    // Interleaved with other draws, as a Create interleaves id, secret and nonce.
    const samples = Array.from({ length: 2000 }, () => {
      freshRandomBytes(12);
      return make();
    });
    for (const sample of samples) expect(sample).toMatch(pattern);
    expect(new Set(samples).size).toBe(samples.length);
    const used = new Set(samples.flatMap((sample) => [...sample.slice(strip)]));
    expect([...used].sort().join("")).toBe([...alphabet].sort().join(""));
  });

  it("freshRandomBytes: exact lengths, no 16-byte draw repeats across 3000 draws", () => {
    expect([0, 1, 12, 1024].map((length) => freshRandomBytes(length).length)).toEqual([0, 1, 12, 1024]);
    const draws = Array.from({ length: 3000 }, () => freshRandomBytes(16).toString("hex"));
    expect(new Set(draws).size).toBe(draws.length);
  });

  it.each([
    { reason: "negative", length: -1 },
    { reason: "fractional", length: 1.5 },
    { reason: "above the pool's share", length: 1025 },
  ])("freshRandomBytes rejects a $reason length naming it", ({ length }) => {
    expect(() => freshRandomBytes(length)).toThrow(new RangeError(`length: must be an integer from 0 to 1024 (got ${length})`));
  });

  it("seal uses a fresh nonce per call and open inverts it; a flipped byte is refused", () => {
    const keys = loadServerKeys(dataDir);
    const plaintext = Buffer.from("replayed Create response");
    const sealed = Array.from({ length: 1000 }, () => keys.seal(plaintext));
    expect(new Set(sealed.map((box) => box.subarray(0, 12).toString("hex"))).size).toBe(sealed.length);
    expect(sealed.every((box) => keys.open(box).equals(plaintext))).toBe(true);
    const tampered = Buffer.from(sealed[0] as Buffer);
    tampered[14] = (tampered[14] as number) ^ 1;
    expect(() => keys.open(tampered)).toThrow();
  });
});
