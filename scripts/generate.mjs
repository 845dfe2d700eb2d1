#!/usr/bin/env node
// Regenerates everything generated in this repository, in order:
//   1. src/gen/ from proto/ (buf + protoc-gen-es, both from node_modules: no protoc needed)
//   2. schemas/provider-schema.json from buildProviderSchemaDocument() in src/resource/
//      (TypeScript run through tsx, so a fresh clone needs no build first)
//   3. schemas/cdk-tf-json.schema.json (what keyform plan accepts of cdk.tf.json) from that
//      schema, by buildInputSchemaDocument() in src/reconcile/load/
//   4. constructs/providers/keyform/ (CDKTF bindings) from that schema with
//      @cdktf/provider-generator, post-processed for our ESM package (see esmifyBindings)
// Everything is generated into a temp dir first. With --check, nothing in the tree is
// written: the temp dir is compared file by file with the tree, and any drift exits 1.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const bufGeneratedPaths = ["src/gen"];
const schemaFile = "schemas/provider-schema.json";
const inputSchemaFile = "schemas/cdk-tf-json.schema.json";
const bindingsDir = "constructs/providers";

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: "inherit" });
}

/** Step 1: buf, into `outRoot` (buf's --output base); `clean: true` empties only outRoot/src/gen. */
function generateProtobufCode(outRoot) {
  run(process.execPath, [path.join(root, "node_modules/@bufbuild/buf/bin/buf"), "generate", "--output", outRoot]);
}

/** Steps 2-4, written under `outRoot` with the repository's relative layout. */
async function generateProviderArtifacts(outRoot) {
  const { tsImport } = await import("tsx/esm/api");
  const { buildProviderSchemaDocument } = await tsImport(path.join(root, "src/resource/provider-schema.ts"), import.meta.url);
  const schema = buildProviderSchemaDocument();
  fs.mkdirSync(path.join(outRoot, "schemas"), { recursive: true });
  fs.writeFileSync(path.join(outRoot, schemaFile), `${JSON.stringify(schema, null, 2)}\n`);
  const { buildInputSchemaDocument } = await tsImport(path.join(root, "src/reconcile/load/input-schema.ts"), import.meta.url);
  fs.writeFileSync(path.join(outRoot, inputSchemaFile), `${JSON.stringify(buildInputSchemaDocument(schema), null, 2)}\n`);

  // @cdktf/commons runs `terraform version -json` when loaded; this machine's environment
  // may name a CLI config that does not exist, which makes terraform print warnings.
  process.env.CHECKPOINT_DISABLE = "1";
  if (process.env.TF_CLI_CONFIG_FILE && !fs.existsSync(process.env.TF_CLI_CONFIG_FILE)) {
    process.env.TF_CLI_CONFIG_FILE = os.devNull;
  }
  const { generateProviderBindingsFromSchema } = await import("@cdktf/provider-generator");
  // The generator writes <target>/providers/<type>/...; no JSII options: TypeScript only.
  await generateProviderBindingsFromSchema(path.join(outRoot, "constructs"), schema);
  esmifyBindings(path.join(outRoot, bindingsDir));
}

/**
 * The generator emits CommonJS-style TypeScript (extensionless relative imports and a
 * lazy-index.ts that assigns to `exports`), which neither typechecks nor runs in this ESM
 * package (NodeNext resolution). Rewrite relative specifiers to `<dir>/index.js` and drop
 * the lazy index (it only serves jsii's lazy loading).
 */
function esmifyBindings(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile()) continue;
    if (entry.name === "lazy-index.ts") {
      fs.rmSync(file);
      continue;
    }
    if (!entry.name.endsWith(".ts")) continue;
    const source = fs.readFileSync(file, "utf8");
    const rewritten = source.replace(/from '(\.{1,2}\/[^']+)'/g, (_, specifier) =>
      specifier.endsWith(".js") ? `from '${specifier}'` : `from '${specifier}/index.js'`,
    );
    if (rewritten !== source) fs.writeFileSync(file, rewritten);
  }
}

/** Every file under `relativePath` (a file or a directory) of `base`, as sorted relative paths. */
function listFiles(base, relativePath) {
  const full = path.join(base, relativePath);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [relativePath];
  return fs
    .readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(base, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Paths that differ between the freshly generated tree and the repository (changed, missing, extra). */
function compareTrees(generatedRoot, relativePaths) {
  const drift = [];
  for (const relativePath of relativePaths) {
    const generated = new Set(listFiles(generatedRoot, relativePath));
    const committed = new Set(listFiles(root, relativePath));
    for (const file of generated) {
      if (!committed.has(file)) drift.push(`${file} (missing)`);
      else if (!fs.readFileSync(path.join(generatedRoot, file)).equals(fs.readFileSync(path.join(root, file)))) drift.push(`${file} (differs)`);
    }
    for (const file of committed) if (!generated.has(file)) drift.push(`${file} (not generated any more)`);
  }
  return drift;
}

const drift = [];
const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), "keyform-generate-"));
try {
  generateProtobufCode(outRoot);
  await generateProviderArtifacts(outRoot);
  if (check) {
    drift.push(...compareTrees(outRoot, [...bufGeneratedPaths, schemaFile, inputSchemaFile, bindingsDir]));
  } else {
    fs.mkdirSync(path.join(root, "schemas"), { recursive: true });
    for (const file of [schemaFile, inputSchemaFile]) fs.copyFileSync(path.join(outRoot, file), path.join(root, file));
    for (const dir of [...bufGeneratedPaths, bindingsDir]) {
      fs.rmSync(path.join(root, dir), { recursive: true, force: true });
      fs.cpSync(path.join(outRoot, dir), path.join(root, dir), { recursive: true });
    }
  }
} finally {
  fs.rmSync(outRoot, { recursive: true, force: true });
}

if (check) {
  if (drift.length > 0) {
    console.error(`Generated files are out of date; run \`npm run generate\` and commit:\n${drift.map((file) => `  ${file}`).join("\n")}`);
    process.exit(1);
  }
  console.log("generated files are current");
}
