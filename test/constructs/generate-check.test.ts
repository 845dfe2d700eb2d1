import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Runs `scripts/generate.mjs --check` in a private copy of the files the script reads and
 * writes, so that drift can be introduced without touching the shared tree.
 */
const repoRoot = path.resolve(import.meta.dirname, "../..");
const COPIED = ["package.json", "buf.yaml", "buf.gen.yaml", "proto", "scripts/generate.mjs", "src/resource", "src/reconcile/load/input-schema.ts", "src/gen", "schemas/provider-schema.json", "schemas/cdk-tf-json.schema.json", "constructs/providers"];
const checkouts: string[] = [];

function makeCheckout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyform-generate-check-"));
  checkouts.push(dir);
  for (const relative of COPIED) fs.cpSync(path.join(repoRoot, relative), path.join(dir, relative), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

function runCheck(dir: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ["scripts/generate.mjs", "--check"], { cwd: dir, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

afterEach(() => {
  for (const dir of checkouts.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm run generate:check", () => {
  it("passes: the committed schema and bindings match what src/resource generates", () => {
    const result = runCheck(makeCheckout());
    expect(result.output).toContain("generated files are current");
    expect(result.status).toBe(0);
  });

  it("fails naming each file that was edited by hand, deleted, or added", () => {
    // One run covers the three kinds of drift: each run regenerates everything (seconds).
    const dir = makeCheckout();
    fs.appendFileSync(path.join(dir, "constructs/providers/keyform/api-key/index.ts"), "// hand edit\n");
    fs.rmSync(path.join(dir, "constructs/providers/keyform/provider/index.ts"));
    fs.writeFileSync(path.join(dir, "constructs/providers/keyform/stale.ts"), "export {};\n");
    const protobufFile = path.join(dir, "src/gen/yandex/cloud/iam/v1/api_key_pb.ts");
    fs.appendFileSync(protobufFile, "// hand edit\n");
    fs.appendFileSync(path.join(dir, "schemas/cdk-tf-json.schema.json"), "\n");
    const result = runCheck(dir);
    expect(result.status).toBe(1);
    expect(result.output).toContain("src/gen/yandex/cloud/iam/v1/api_key_pb.ts (differs)");
    expect(result.output).toContain("schemas/cdk-tf-json.schema.json (differs)");
    // Check mode writes nothing into the tree: the hand edits are still there.
    expect(fs.readFileSync(protobufFile, "utf8").endsWith("// hand edit\n")).toBe(true);
    expect(fs.existsSync(path.join(dir, "constructs/providers/keyform/stale.ts"))).toBe(true);
    expect(result.output).toContain("constructs/providers/keyform/api-key/index.ts (differs)");
    expect(result.output).toContain("constructs/providers/keyform/provider/index.ts (missing)");
    expect(result.output).toContain("constructs/providers/keyform/stale.ts (not generated any more)");
    expect(result.output).not.toContain("data-keyform-api-keys");
  });

  it("fails naming the schema and the bindings when src/resource changed without regenerating", () => {
    const dir = makeCheckout();
    const definition = path.join(dir, "src/resource/api-key.ts");
    const original = fs.readFileSync(definition, "utf8");
    // The `description` attribute's doc text, which the bindings carry as JSDoc.
    const changed = original.replace(/"Free text, ([^"]+)"/, '"Free text (changed), $1"');
    expect(changed).not.toBe(original);
    fs.writeFileSync(definition, changed);
    const result = runCheck(dir);
    expect(result.status).toBe(1);
    expect(result.output).toContain("schemas/provider-schema.json (differs)");
    expect(result.output).toContain("constructs/providers/keyform/api-key/index.ts (differs)");
  });
});
