#!/usr/bin/env node
// The main job (`npm start`): synthesize the default example (root cdktf.json), plan, apply,
// print the outputs with secrets masked, then show that a second plan is empty. Runs on the
// embedded default: the API in-process on the SQLite store under .keyform/, state in
// keyform.state.json. Exits non-zero when any step fails or the second plan is not empty.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const keyform = path.join(root, "bin", "keyform.js");
if (!existsSync(path.join(root, "dist", "src", "cli", "main.js"))) {
  console.error("dist/ is missing: run `npm ci` (its prepare step builds) or `npm run build` first.");
  process.exit(1);
}
if (!existsSync(path.join(root, "cdktf.json"))) {
  console.error("cdktf.json is missing at the repository root: nothing to synthesize.");
  process.exit(1);
}

function step(title, args, acceptedCodes = [0]) {
  console.log(`\n=== ${title}\n$ keyform ${args.join(" ")}`);
  const result = spawnSync(process.execPath, [keyform, ...args], { cwd: root, stdio: "inherit" });
  const code = result.status ?? 1;
  if (!acceptedCodes.includes(code)) {
    console.error(`\nmain job: \`keyform ${args.join(" ")}\` exited with ${code}`);
    process.exit(1);
  }
  return code;
}

step("1. Synthesize the example app and plan", ["plan", "--synth"]);
step("2. Apply (embedded API on .keyform/, state in keyform.state.json)", ["apply", "--auto-approve"]);
step("3. Outputs (secrets masked; `keyform output NAME --show-sensitive` reveals one)", ["output"]);
const second = step("4. Plan again: must be empty", ["plan", "--detailed-exitcode"], [0, 2]);
if (second !== 0) {
  console.error("\nmain job: the second plan is NOT empty (exit code 2): the apply did not converge.");
  process.exit(1);
}
console.log("\nmain job: the second plan is empty (keyform plan --detailed-exitcode exited 0): everything declared exists.");
