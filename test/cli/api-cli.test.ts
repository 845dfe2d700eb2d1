import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../src/server/index.js";
import type { RunningServer } from "../../src/server/index.js";
import { renderTable, field } from "../../src/cli/output-format.js";
import { settingsFromFlags } from "../../src/cli/connection.js";

// Runs the built CLI (`npm run build` first; `npm test` does) against a real server on loopback.
const BIN = resolve("bin/keyform.js");

let server: RunningServer;
let workDir: string;
let tokenFile: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "keyform-api-cli-test-"));
  server = await startServer({ listen: "127.0.0.1:0", dataDir: join(workDir, "server") });
  tokenFile = join(workDir, "token");
  writeFileSync(tokenFile, `${server.adminToken}\n`, { mode: 0o600 });
});
afterAll(async () => {
  await server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `keyform <args> --endpoint <server> --token-file <file>` in the temp dir, with a clean KEYFORM_* environment. */
function keyform(args: string[], connection: string[] = ["--endpoint", server.address, "--token-file", tokenFile]): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("KEYFORM_")));
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args, ...connection], { cwd: workDir, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Runs and parses stdout as JSON, failing with stderr when the command failed. */
async function keyformJson(args: string[]): Promise<Record<string, unknown> & unknown[]> {
  const run = await keyform([...args, "--format", "json"]);
  if (run.code !== 0) throw new Error(`keyform ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown> & unknown[];
}

function expectNoCredential(run: Run, ...credentials: string[]): void {
  for (const credential of [server.adminToken, ...credentials]) {
    expect(run.stdout).not.toContain(credential);
    expect(run.stderr).not.toContain(credential);
  }
}

describe("keyform api-key / service-account against a server", () => {
  it("creates, lists, gets, updates, lists operations and deletes a key (json)", async () => {
    const account = await keyformJson(["service-account", "create", "--folder-id", "b1gcli", "--name", "cli-app"]);
    const accountId = String(account.id);
    expect(account).toMatchObject({ folder_id: "b1gcli", name: "cli-app", status: "ACTIVE" });

    const createRun = await keyform([
      "api-key", "create", "--service-account-id", accountId, "--description", "from cli",
      "--scopes", "yc.a,yc.b", "--expires-at", "2030-01-01T00:00:00Z", "--format", "json",
    ]);
    expect(createRun.code).toBe(0);
    expect(createRun.stderr).toContain("shown only once");
    const created = JSON.parse(createRun.stdout) as { api_key: Record<string, unknown>; secret: string };
    expect(created.secret).toMatch(/^AQVN[A-Za-z0-9_-]{36}$/);
    expect(created.api_key).toMatchObject({
      service_account_id: accountId,
      description: "from cli",
      scopes: ["yc.a", "yc.b"],
      expires_at: "2030-01-01T00:00:00Z",
      masked_secret: `****${created.secret.slice(-6)}`,
    });
    const keyId = String(created.api_key.id);

    const listRun = await keyform(["api-key", "list", "--service-account-id", accountId, "--format", "json"]);
    expect(JSON.parse(listRun.stdout)).toEqual([created.api_key]);
    expectNoCredential(listRun, created.secret);

    const textList = await keyform(["api-key", "list", "--service-account-id", accountId]);
    expect(textList.stdout.split("\n")[1]).toMatch(/^\| +ID +\| +SERVICE ACCOUNT ID +\|/);
    expect(textList.stdout).toContain(`| ${keyId} |`);

    expect(await keyformJson(["api-key", "get", keyId])).toEqual(created.api_key);

    const updated = await keyformJson(["api-key", "update", "--id", keyId, "--description", "changed", "--scopes", "yc.c"]);
    expect(updated).toMatchObject({ id: keyId, description: "changed", scopes: ["yc.c"], expires_at: "2030-01-01T00:00:00Z" });
    const cleared = await keyformJson(["api-key", "update", keyId, "--update-mask", "expires_at"]);
    expect(cleared.expires_at).toBeUndefined();

    const operations = await keyformJson(["api-key", "list-operations", keyId]);
    expect(operations).toHaveLength(2);
    expect(operations[0]).toMatchObject({
      done: true,
      metadata: { "@type": "type.googleapis.com/yandex.cloud.iam.v1.UpdateApiKeyMetadata", api_key_id: keyId },
      response: { "@type": "type.googleapis.com/yandex.cloud.iam.v1.ApiKey", description: "changed" },
    });

    expect(await keyformJson(["api-key", "delete", keyId])).toEqual({ api_key_id: keyId, deleted: true });
    const gone = await keyform(["api-key", "get", keyId]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`[NOT_FOUND]`);
    expect(gone.stderr).toContain(keyId);
    expectNoCredential(gone);

    const accounts = await keyformJson(["service-account", "list", "--folder-id", "b1gcli"]);
    expect(accounts.map((listed) => (listed as { id: string }).id)).toEqual([accountId]);
  });

  it.each([
    { reason: "a malformed expiry names the flag", args: ["api-key", "create", "--expires-at", "tomorrow"], want: /--expires-at: "tomorrow" is not an RFC 3339 timestamp/ },
    { reason: "duplicate scopes name the flag and item", args: ["api-key", "create", "--scopes", "a,a"], want: /--scopes\[1\]: duplicates scope "a"/ },
    { reason: "an update without changes says which flags exist", args: ["api-key", "update", "aje1"], want: /nothing to update: give --description, --scopes or --expires-at/ },
    { reason: "an unknown mask path lists the allowed ones", args: ["api-key", "update", "aje1", "--update-mask", "name"], want: /--update-mask: unknown path\(s\) name; allowed: description, scopes, expires_at/ },
    { reason: "a server-side INVALID_ARGUMENT names the flag", args: ["api-key", "list", "--service-account-id", "a".repeat(51)], want: /\[INVALID_ARGUMENT\] service_account_id: .*\(set by --service-account-id\)/ },
    { reason: "an unknown option is refused by name", args: ["api-key", "list", "--bogus"], want: /unknown option '--bogus'/ },
    { reason: "a token on the command line is refused", args: ["api-key", "list", "--token", "abc123-not-for-argv"], want: /--token is not accepted: .* Use --token-file FILE or KEYFORM_TOKEN/ },
    { reason: "a missing id names both ways to give it", args: ["api-key", "get"], want: /missing API key id: give it as an argument or with --id/ },
  ])("$reason", async ({ args, want }) => {
    const run = await keyform(args);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(want);
    expect(run.stdout).toBe("");
    expectNoCredential(run, "abc123-not-for-argv");
  });

  it("traces calls with KEYFORM_TRACE=client: method, code, duration, never the token", async () => {
    const run = await new Promise<Run>((done) => {
      const env = { ...process.env, KEYFORM_TRACE: "client" };
      const args = [BIN, "service-account", "list", "--folder-id", "b1gtrace", "--endpoint", server.address, "--token-file", tokenFile];
      execFile(process.execPath, args, { cwd: workDir, env, timeout: 60_000 }, (error, stdout, stderr) => done({ code: error ? 1 : 0, stdout, stderr }));
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\[keyform:client\] \S+ ServiceAccountService\/List attempt=1 code=OK \d+ms/);
    expectNoCredential(run);
  });

  it("refuses an unreadable token file, naming the flag and the file", async () => {
    const missing = join(workDir, "no-such-token");
    const run = await keyform(["api-key", "list"], ["--endpoint", server.address, "--token-file", missing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`--token-file: cannot read ${missing} (ENOENT)`);
  });
});

describe("renderTable", () => {
  it.each([
    {
      reason: "headers centred, cells left-aligned, widths by the widest cell",
      rows: [{ id: "a1", name: "first" }, { id: "b22222", name: "x" }],
      want: ["+--------+-------+", "|   ID   | NAME  |", "+--------+-------+", "| a1     | first |", "| b22222 | x     |", "+--------+-------+", ""].join("\n"),
    },
    {
      reason: "no rows still prints the header",
      rows: [],
      want: ["+----+------+", "| ID | NAME |", "+----+------+", "+----+------+", ""].join("\n"),
    },
    {
      reason: "widths count characters, lists are joined, newlines flattened",
      rows: [{ id: "ключ", name: ["a", "b"] }, { id: "x", name: "two\nlines" }],
      want: ["+------+-----------+", "|  ID  |   NAME    |", "+------+-----------+", "| ключ | a,b       |", "| x    | two lines |", "+------+-----------+", ""].join("\n"),
    },
  ])("$reason", ({ rows, want }) => {
    expect(renderTable([{ header: "ID", cell: field("id") }, { header: "NAME", cell: field("name") }], rows)).toBe(want);
  });
});

describe("settingsFromFlags", () => {
  const names = expect.any(Object) as unknown;
  it.each([
    { reason: "environment only", flags: {}, env: { KEYFORM_ENDPOINT: "e:1", KEYFORM_TOKEN: "t" }, want: { endpoint: "e:1", token: "t" } },
    { reason: "flags override the environment", flags: { endpoint: "f:2", dataDir: "d", insecure: true }, env: { KEYFORM_ENDPOINT: "e:1", KEYFORM_INSECURE: "0" }, want: { endpoint: "f:2", dataDir: "d", insecure: true } },
    { reason: "an absent --insecure keeps the environment's choice", flags: {}, env: { KEYFORM_INSECURE: "false" }, want: { insecure: false } },
    { reason: "--no-insecure overrides KEYFORM_INSECURE=1", flags: { insecure: false }, env: { KEYFORM_INSECURE: "1" }, want: { insecure: false } },
  ])("$reason", async ({ flags, env, want }) => {
    const settings = await settingsFromFlags(flags, env);
    const defined = Object.fromEntries(Object.entries(settings).filter(([key, value]) => value !== undefined && key !== "names"));
    expect(defined).toEqual(want);
    expect(settings.names).toEqual(names);
  });

  it("a credential file replaces both credential variables", async () => {
    const file = join(workDir, "api-key");
    writeFileSync(file, "AQVNfromfile\n");
    const settings = await settingsFromFlags({ apiKeyFile: file }, { KEYFORM_TOKEN: "env-token" });
    expect({ token: settings.token, apiKey: settings.apiKey }).toEqual({ token: undefined, apiKey: "AQVNfromfile" });
  });

  it.each([
    { reason: "both credential files", flags: { tokenFile: "a", apiKeyFile: "b" }, want: "--token-file and --api-key-file are both given; give only one" },
    { reason: "an api key on the command line", flags: { apiKey: "AQVNsecret" }, want: "--api-key is not accepted: a credential on the command line is visible to other users (ps). Use --api-key-file FILE or KEYFORM_API_KEY." },
  ])("refuses $reason", async ({ flags, want }) => {
    await expect(settingsFromFlags(flags, {})).rejects.toThrow(want);
  });
});
