import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Decrypter, armor, generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, Code } from "../../src/api-error.js";
import { createClient } from "../../src/client/index.js";
import type { ApiKeyClient } from "../../src/client/index.js";
import { DEMO_SERVICE_ACCOUNTS } from "../../src/embedded/demo-accounts.js";
import { startServer } from "../../src/server/index.js";
import type { RunningServer } from "../../src/server/index.js";
import { expectSuccess, installForTests, repoRoot, run, stateResources, takeRpcReports, tempDirectory, terraform, writeConfig } from "./terraform-helpers.js";

/**
 * The provider under the real terraform 1.11 binary, offline (filesystem mirror), against a
 * real keyform server in this process. One init for the whole file; each step is one or two
 * terraform commands, in order.
 */
const [app, billing] = DEMO_SERVICE_ACCOUNTS;
const temp = tempDirectory("keyform-tf-e2e-");
const work = join(temp.path, "work");
const countsFile = join(temp.path, "rpc-counts.jsonl");
let server: RunningServer;
let client: ApiKeyClient;
let env: NodeJS.ProcessEnv;
let ageIdentity: string;
let ageRecipient: string;

interface KeyConfig {
  serviceAccountId?: string;
  description?: string;
  extra?: string;
}

function config(ci: KeyConfig = {}, extra = ""): string {
  return `
terraform {
  required_providers {
    keyform = { source = "keyform.dev/keyform/keyform", version = "0.1.0" }
  }
}
provider "keyform" {}
resource "keyform_api_key" "ci" {
  service_account_id = "${ci.serviceAccountId ?? app.id}"
  description        = "${ci.description ?? "CI pipeline"}"
  scopes             = ["yc.serverless.containers.invoke"]
}
resource "keyform_api_key" "sealed" {
  service_account_id = "${app.id}"
  description        = "secret only encrypted to an age recipient"
  age_recipients     = ["${ageRecipient}"]
}
data "keyform_api_keys" "app" {
  service_account_id = "${app.id}"
  depends_on         = [keyform_api_key.ci, keyform_api_key.sealed]
}
output "listed_ids" { value = [for key in data.keyform_api_keys.app.keys : key.id] }
${extra}`;
}

/** Writes main.tf with the provider setup of config() and only the blocks in `hcl`. */
function writeAlone(hcl: string): void {
  writeConfig(work, `${config().split("resource ")[0]}${hcl}`);
}

async function apiKeyExists(id: string): Promise<boolean> {
  try {
    await client.getApiKey(id);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.code === Code.NOT_FOUND) return false;
    throw error;
  }
}

const ciId = () => String(stateResources(work)["keyform_api_key.ci"]?.id);

async function authenticatesAs(secret: string, serviceAccountId: string, keyId: unknown): Promise<void> {
  const asKey = createClient({ endpoint: server.address, credentials: { kind: "api-key", secret }, tls: false });
  try {
    const ids: string[] = [];
    for await (const listed of asKey.listApiKeys(serviceAccountId)) ids.push(listed.id);
    expect(ids).toContain(keyId);
  } finally {
    asKey.close();
  }
}

beforeAll(async () => {
  ageIdentity = await generateX25519Identity();
  ageRecipient = await identityToRecipient(ageIdentity);
  server = await startServer({ listen: "127.0.0.1:0", dataDir: join(temp.path, "server"), createDemoServiceAccounts: true });
  client = createClient({ endpoint: server.address, credentials: { kind: "bearer", token: server.adminToken }, tls: false });
  const installed = installForTests(temp.path);
  env = { ...installed.env, KEYFORM_ENDPOINT: server.address, KEYFORM_TOKEN: server.adminToken, KEYFORM_INSECURE: "1", KEYFORM_RPC_COUNTS_FILE: countsFile };
  const { mkdirSync } = await import("node:fs");
  mkdirSync(work);
  writeConfig(work, config());
  expectSuccess(await terraform(["init"], work, env), "terraform init");
}, 120_000);

afterAll(async () => {
  client?.close();
  await server?.close();
  temp.remove();
});

describe("terraform with keyform_api_key", () => {
  it("creates the key; its secret authenticates; the data source lists it", async () => {
    const applied = expectSuccess(await terraform(["apply", "-auto-approve"], work, env), "apply");
    expect(applied.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    const state = stateResources(work)["keyform_api_key.ci"] ?? {};
    expect(state).toMatchObject({ service_account_id: app.id, description: "CI pipeline", scopes: ["yc.serverless.containers.invoke"], encrypted_secret_key: null });
    const key = await client.getApiKey(String(state.id));
    expect(key.maskedSecret).toBe(state.masked_secret);
    expect(String(state.secret_key).endsWith(String(state.masked_secret).slice(4))).toBe(true);
    // The secret in state is the key's real secret: it authenticates as the service account.
    await authenticatesAs(String(state.secret_key), app.id, state.id);
    // With age_recipients only the encrypted secret is kept, and it decrypts to a working secret.
    const sealed = stateResources(work)["keyform_api_key.sealed"] ?? {};
    expect(sealed.secret_key).toBeNull();
    const decrypter = new Decrypter();
    decrypter.addIdentity(ageIdentity);
    const secret = await decrypter.decrypt(armor.decode(String(sealed.encrypted_secret_key)), "text");
    await authenticatesAs(secret, app.id, sealed.id);
    expect(applied.stdout).toMatch(new RegExp(`listed_ids = \\[[^\\]]*"${String(state.id)}"`));
    expect(applied.stdout).toMatch(new RegExp(`listed_ids = \\[[^\\]]*"${String(sealed.id)}"`));
    // The secret never reaches terraform's output.
    expect(applied.stdout + applied.stderr).not.toContain(String(state.secret_key));
    takeRpcReports(countsFile);
  });

  it("plans no changes when nothing changed", async () => {
    const plan = await terraform(["plan", "-detailed-exitcode"], work, env);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(takeRpcReports(countsFile).totals["ApiKeyService/Update"]).toBeUndefined();
  });

  it("refuses an endpoint unknown at plan time instead of planning against another store", async () => {
    // The endpoint comes only from the provider block, so a fallback would reach the embedded store.
    const { KEYFORM_ENDPOINT: _endpoint, ...blockOnly } = env;
    const unknownEndpoint = `
resource "terraform_data" "ep" {
  input = "${server.address}"
}`;
    writeConfig(work, config().replace('provider "keyform" {}', 'provider "keyform" {\n  endpoint = terraform_data.ep.output\n}') + unknownEndpoint);
    try {
      const plan = await terraform(["plan"], work, blockOnly);
      expect(plan.code, plan.stdout).toBe(1);
      expect(plan.stderr).toContain("keyform provider setting endpoint is unknown at plan time");
      expect(plan.stderr.replace(/\s+/g, " ")).toContain("Provider settings must be known at plan time: set endpoint from a literal, a variable or KEYFORM_ENDPOINT, or create what it depends on first (terraform apply -target=<that resource>)");
      expect(plan.stderr).toMatch(/in provider "keyform":\n\s+\d+:\s+endpoint\s+= terraform_data\.ep\.output/);
      expect(plan.stdout).not.toMatch(/keyform_api_key\.\w+ will be created/);
      expect(existsSync(join(work, ".keyform"))).toBe(false);
      // What the message says to do works: once terraform_data exists, the plan finds the keys.
      expectSuccess(await terraform(["apply", "-auto-approve", "-target=terraform_data.ep"], work, blockOnly), "apply -target");
      const known = await terraform(["plan", "-detailed-exitcode"], work, blockOnly);
      expect(known.code, known.stdout + known.stderr).toBe(0);
    } finally {
      // Leave the shared directory as the next steps expect it (fails harmlessly when absent).
      await terraform(["state", "rm", "terraform_data.ep"], work, blockOnly);
      writeConfig(work, config());
    }
    takeRpcReports(countsFile);
  });

  it("serves exactly the committed schema (terraform providers schema -json)", async () => {
    const printed = expectSuccess(await terraform(["providers", "schema", "-json"], work, env), "providers schema");
    const committed = JSON.parse(readFileSync(join(repoRoot, "schemas/provider-schema.json"), "utf8")) as { provider_schemas: Record<string, unknown> };
    const served = JSON.parse(printed.stdout) as { provider_schemas: Record<string, unknown> };
    expect(served.provider_schemas).toEqual(committed.provider_schemas);
  });

  it("updates the description in place with one Update RPC whose mask is [description]", async () => {
    const id = ciId();
    writeConfig(work, config({ description: "CI pipeline v2" }));
    const applied = expectSuccess(await terraform(["apply", "-auto-approve"], work, env), "apply");
    expect(applied.stdout).toContain("Resources: 0 added, 1 changed, 0 destroyed.");
    const reports = takeRpcReports(countsFile);
    expect(reports.totals["ApiKeyService/Update"]).toBe(1);
    expect(reports.updateMasks).toEqual([["description"]]);
    const operations = [];
    for await (const operation of client.listApiKeyOperations(id)) operations.push(operation);
    expect(operations).toHaveLength(1);
    expect((await client.getApiKey(id)).description).toBe("CI pipeline v2");
    expect(ciId()).toBe(id);
  });

  it("replaces the key when its service account changes", async () => {
    const oldId = ciId();
    writeConfig(work, config({ serviceAccountId: billing.id, description: "CI pipeline v2" }));
    const applied = expectSuccess(await terraform(["apply", "-auto-approve"], work, env), "apply");
    expect(applied.stdout).toContain("# forces replacement");
    expect(applied.stdout).toContain("Resources: 1 added, 0 changed, 1 destroyed.");
    const newId = ciId();
    expect(newId).not.toBe(oldId);
    expect(await apiKeyExists(oldId)).toBe(false);
    expect((await client.getApiKey(newId)).serviceAccountId).toBe(billing.id);
  });

  it("re-creates a key deleted out of band", async () => {
    const oldId = ciId();
    await client.deleteApiKey(oldId);
    const plan = await terraform(["plan", "-detailed-exitcode"], work, env);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain("# keyform_api_key.ci will be created");
    expectSuccess(await terraform(["apply", "-auto-approve"], work, env), "apply");
    const newId = ciId();
    expect(newId).not.toBe(oldId);
    expect(await apiKeyExists(newId)).toBe(true);
  });

  it("imports an existing key with terraform import; its secret stays null", async () => {
    const created = await client.createApiKey({ serviceAccountId: app.id, description: "made by hand", scopes: ["a.b"] });
    const id = created.apiKey?.id ?? "";
    const imported = `
resource "keyform_api_key" "manual" {
  service_account_id = "${app.id}"
  description        = "made by hand"
  scopes             = ["a.b"]
}`;
    writeConfig(work, config({ serviceAccountId: billing.id, description: "CI pipeline v2" }, imported));
    expectSuccess(await terraform(["import", "keyform_api_key.manual", id], work, env), "import");
    const state = stateResources(work)["keyform_api_key.manual"];
    expect(state).toMatchObject({ id, service_account_id: app.id, description: "made by hand", scopes: ["a.b"], secret_key: null });
    const plan = await terraform(["plan", "-detailed-exitcode"], work, env);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  });

  it("adopts a key through an import {} block", async () => {
    const created = await client.createApiKey({ serviceAccountId: app.id, description: "adopted" });
    const id = created.apiKey?.id ?? "";
    const blocks = `
resource "keyform_api_key" "manual" {
  service_account_id = "${app.id}"
  description        = "made by hand"
  scopes             = ["a.b"]
}
import {
  to = keyform_api_key.adopted
  id = "${id}"
}
resource "keyform_api_key" "adopted" {
  service_account_id = "${app.id}"
  description        = "adopted"
}`;
    writeConfig(work, config({ serviceAccountId: billing.id, description: "CI pipeline v2" }, blocks));
    const applied = expectSuccess(await terraform(["apply", "-auto-approve"], work, env), "apply");
    expect(applied.stdout).toContain("Resources: 1 imported, 0 added, 0 changed, 0 destroyed.");
    expect(stateResources(work)["keyform_api_key.adopted"]).toMatchObject({ id, description: "adopted", secret_key: null });
  });

  it("destroys every key it manages", async () => {
    const ids = Object.values(stateResources(work)).map((attributes) => String(attributes.id));
    expect(ids).toHaveLength(4);
    expectSuccess(await terraform(["destroy", "-auto-approve"], work, env), "destroy");
    for (const id of ids) expect(await apiKeyExists(id)).toBe(false);
  });

  it("with no endpoint, manages the key in the embedded store under .keyform, which keyform api-key list reads", async () => {
    const { KEYFORM_ENDPOINT: _endpoint, KEYFORM_TOKEN: _token, KEYFORM_INSECURE: _insecure, ...embedded } = env;
    writeAlone(`
resource "keyform_api_key" "local" {
  service_account_id = "${app.id}"
  description        = "in the embedded store"
}`);
    expectSuccess(await terraform(["apply", "-auto-approve"], work, embedded), "apply (embedded)");
    const id = String(stateResources(work)["keyform_api_key.local"]?.id);
    expect(existsSync(join(work, ".keyform"))).toBe(true);
    expect(await apiKeyExists(id)).toBe(false);
    const listed = await run(process.execPath, [join(repoRoot, "bin/keyform.js"), "api-key", "list", "--service-account-id", app.id, "--format", "json"], { cwd: work, env: embedded });
    expect(listed.code, listed.stderr).toBe(0);
    const keys = JSON.parse(listed.stdout) as { id: string; description: string }[];
    expect(keys.map((key) => [key.id, key.description])).toEqual([[id, "in the embedded store"]]);
    expectSuccess(await terraform(["destroy", "-auto-approve"], work, embedded), "destroy (embedded)");
  });

  it("replaces a key once created_at + rotate_after has passed, creating the new one first", async () => {
    writeAlone(`
resource "keyform_api_key" "rotating" {
  service_account_id = "${app.id}"
  rotate_after       = "1s"
  lifecycle {
    create_before_destroy = true
  }
}`);
    expectSuccess(await terraform(["apply", "-auto-approve"], work, env), "apply");
    const firstId = String(stateResources(work)["keyform_api_key.rotating"]?.id);
    // Wait until the key is due (created_at + 1s), however fast terraform ran.
    const dueAt = Date.parse(String(stateResources(work)["keyform_api_key.rotating"]?.created_at)) + 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt + 100 - Date.now())));
    const rotated = expectSuccess(await terraform(["apply", "-auto-approve"], work, env), "apply");
    expect(rotated.stdout).toContain("+/- create replacement and then destroy");
    expect(rotated.stdout).toMatch(/created_at\s+= "[^"]+" -> \(known after apply\) # forces replacement/);
    const secondId = String(stateResources(work)["keyform_api_key.rotating"]?.id);
    expect(secondId).not.toBe(firstId);
    expect(await apiKeyExists(firstId)).toBe(false);
    expect(await apiKeyExists(secondId)).toBe(true);
  });

  it("keeps the secret out of TF_LOG=trace and KEYFORM_TRACE=provider,client output", async () => {
    writeAlone(`
resource "keyform_api_key" "traced" {
  service_account_id = "${app.id}"
  description        = "created under trace"
}
output "traced_secret" {
  value     = keyform_api_key.traced.secret_key
  sensitive = true
}`);
    const logFile = join(temp.path, "terraform-trace.log");
    const traced = { ...env, TF_LOG: "trace", TF_LOG_PATH: logFile, KEYFORM_TRACE: "provider,client" };
    const applied = expectSuccess(await terraform(["apply", "-auto-approve"], work, traced), "apply under trace");
    const output = expectSuccess(await terraform(["output", "-json"], work, env), "output -json");
    const secret = (JSON.parse(output.stdout) as { traced_secret: { value: string } }).traced_secret.value;
    // The value searched for is the key's real secret (it ends like the API's masked secret).
    const key = await client.getApiKey(String(stateResources(work)["keyform_api_key.traced"]?.id));
    expect(secret.endsWith(key.maskedSecret.slice(4))).toBe(true);
    const log = readFileSync(logFile, "utf8");
    // The log is the real thing: Terraform's trace plus the provider's and the client's lines.
    expect(log).toContain("[keyform:provider]");
    expect(log).toMatch(/\[keyform:provider\] \S+ ApplyResourceChange ok in/);
    expect(log).toMatch(/\[keyform:client\] \S+ ApiKeyService\/Create attempt=1 code=OK/);
    for (const text of [log, applied.stdout, applied.stderr]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(server.adminToken);
    }
  });

  it("destroys a key already deleted out of band (destroy -refresh=false)", async () => {
    const id = String(stateResources(work)["keyform_api_key.traced"]?.id);
    await client.deleteApiKey(id);
    const destroyed = expectSuccess(await terraform(["destroy", "-auto-approve", "-refresh=false"], work, env), "destroy -refresh=false");
    expect(destroyed.stdout).toContain("Destroy complete! Resources: 1 destroyed.");
    expect(stateResources(work)).toEqual({});
  });

  it("reports bad values and API errors as diagnostics on the attribute, with what to do", async () => {
    writeAlone(`
resource "keyform_api_key" "long" {
  service_account_id = "${app.id}"
  description        = "${"x".repeat(257)}"
}`);
    const validated = await terraform(["validate", "-no-color"], work, env);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain("Invalid keyform_api_key description");
    expect(validated.stderr.replace(/\s+/g, " ")).toContain("description must be at most 256 characters (got 257)");
    expect(validated.stderr).toMatch(/in resource "keyform_api_key" "long":\n\s+\d+:\s+description\s+=/);

    writeAlone(`
resource "keyform_api_key" "orphan" {
  service_account_id = "ajenosuchaccount0001"
}`);
    const applied = await terraform(["apply", "-auto-approve"], work, env);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain("Cannot create API key: not found");
    // Terraform wraps the detail text; compare with whitespace collapsed.
    expect(applied.stderr.replace(/\s+/g, " ")).toContain("Check that service account ajenosuchaccount0001 exists (keyform service-account list) or fix service_account_id.");
    expect(applied.stderr).toMatch(/in resource "keyform_api_key" "orphan":\n\s+\d+:\s+service_account_id\s+=/);
  });
});
