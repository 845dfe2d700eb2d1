#!/usr/bin/env node
// Regenerates everything generated in this repository, in order:
//   1. src/gen/ from proto/ (buf + protoc-gen-es, both from node_modules: no protoc needed)
// With --check, regenerates into the tree and fails if anything differs from what is committed.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const generatedPaths = ["src/gen"];

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: "inherit" });
}

run(process.execPath, [path.join(root, "node_modules/@bufbuild/buf/bin/buf"), "generate"]);

if (check) {
  const drift = execFileSync("git", ["status", "--porcelain", "--", ...generatedPaths], { cwd: root, encoding: "utf8" });
  if (drift.trim()) {
    console.error(`Generated files are out of date; run \`npm run generate\` and commit:\n${drift}`);
    process.exit(1);
  }
  console.log("generated files are current");
}
