import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";

/**
 * Returns the content of `path`, first creating it with `create()` (mode 0600) if it does not
 * exist. Creation writes a temporary file and hard-links it into place, so a concurrent
 * reader never sees a half-written file and two processes starting at once agree on one
 * content (the loser of the link race reads the winner's).
 */
export function readOrCreateSecretFile(path: string, create: () => string | Buffer): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temporary, create(), { mode: 0o600, flag: "wx" });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temporary);
  }
  return readFileSync(path);
}
