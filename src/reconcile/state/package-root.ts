import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let cachedRoot: string | undefined;

/**
 * The keyform package's root directory (where package.json and schemas/ live), found by
 * walking up from this module. Works from src/ (tsx) and from dist/src/ (built) alike.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(directory, "package.json")) && existsSync(path.join(directory, "schemas"))) {
      cachedRoot = directory;
      return directory;
    }
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error("cannot find the keyform package root (package.json next to schemas/)");
    directory = parent;
  }
}
