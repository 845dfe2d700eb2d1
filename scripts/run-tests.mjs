#!/usr/bin/env node
// Runs vitest with the JSON reporter next to the default one, then prints the plain line
// "N passed, M failed" so that a run which executed no test is visible. Exit code: vitest's.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";

const resultsFile = "test-results.json";
rmSync(resultsFile, { force: true });
const vitest = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, "utf8"));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
} catch {
  failed = 1; // no results file: vitest crashed before reporting
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(vitest.status ?? 1);
