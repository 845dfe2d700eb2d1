import { readFileSync } from "node:fs";
import { join } from "node:path";
import { newAdminToken } from "./credentials-format.js";
import { readOrCreateSecretFile } from "./exclusive-file.js";

/** File in the data dir holding the first admin token (mode 0600). */
export const ADMIN_TOKEN_FILE = "admin-token";

/**
 * Returns the admin token of `<dataDir>/admin-token`, creating the file (exclusively, mode
 * 0600) with a fresh token on first start. Throws when the file exists but is empty.
 */
export function ensureAdminTokenFile(dataDir: string): string {
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  const token = readOrCreateSecretFile(path, () => `${newAdminToken()}\n`).toString("utf8").trim();
  if (token === "") throw new Error(`${path} is empty: delete it to have a new admin token created`);
  return token;
}

/** Reads extra admin tokens from a file: one per line, blank lines and `#` comments ignored. */
export function readAdminTokenFile(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}
