import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureKey, FixtureSpec } from "../fixtures/apps/reconcile/main.js";
import type { StateFile } from "../../src/reconcile/types.js";
import { startApplyFixture } from "../reconcile/apply-helpers.js";
import type { ApplyFixture } from "../reconcile/apply-helpers.js";
import { keyform, repoRoot, synthesize } from "./reconcile-helpers.js";
import type { CliTarget } from "./reconcile-helpers.js";

/**
 * The built CLI's guards against losing keys or state: prevent_destroy recorded in state
 * (destroy without a synthesized stack), plan -out write errors, listings that must not churn
 * state, and SIGTERM releasing the lock.
 */
// One server and one temp dir for every case; each case uses its own state file and accounts.
let fixture: ApplyFixture, work: string, account: string;
beforeAll(async () => {
  [fixture, work] = [await startApplyFixture(), mkdtempSync(path.join(tmpdir(), "keyform-e2e-guards-"))];
  account = await fixture.account("e2e-guards");
}, 120_000);
afterAll(async () => {
  await fixture?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function targetFor(name: string): CliTarget {
  return { endpoint: fixture.server.address, token: fixture.server.adminToken, outDir: path.join(work, `${name}.out`), stateFile: path.join(work, `${name}.state.json`) };
}
const readState = (target: CliTarget): StateFile => JSON.parse(readFileSync(target.stateFile, "utf8")) as StateFile;

async function applyOk(target: CliTarget) {
  const apply = await keyform(target, ["apply", "--auto-approve"]);
  expect(apply.code, apply.stderr).toBe(0);
  return apply;
}

describe("keyform guards (real server, built CLI)", () => {
  it("destroy without a synthesized stack honours prevent_destroy as recorded in state by the last apply", async () => {
    const target = targetFor("guarded");
    const spec = (preventDestroy: boolean): FixtureSpec => ({
      keys: [
        { name: "guarded", serviceAccountId: account, description: "keep me", preventDestroy },
        { name: "free", serviceAccountId: account, description: "disposable" },
      ],
    });
    await synthesize(spec(true), target.outDir);
    await applyOk(target);
    const applied = readState(target);
    expect(applied.resources.map((resource) => [resource.address, resource.prevent_destroy])).toEqual([
      ["keyform_api_key.free", undefined],
      ["keyform_api_key.guarded", true],
    ]);
    // No cdktf.out in this project directory: only state knows about the protection.
    const empty = path.join(work, "no-stack");
    mkdirSync(empty, { recursive: true });
    const withoutStack = (args: string[]) => keyform(target, [...args, "--dir", empty], { stack: false });
    const refused = await withoutStack(["destroy", "--auto-approve"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      "Error: refusing to destroy: keyform_api_key.guarded had lifecycle.prevent_destroy at the last apply (recorded in state; no stack is synthesized); nothing was changed. " +
        "Apply them without prevent_destroy first, or stop managing them with keyform state rm\n",
    );
    expect(readState(target).serial).toBe(applied.serial);
    expect((await fixture.keysOf(account)).length).toBe(2);

    // Applying the stack without prevent_destroy clears the record (no key changes); then destroy goes ahead.
    await synthesize(spec(false), target.outDir);
    const cleared = await applyOk(target);
    expect(cleared.stdout).toContain("0 added, 0 changed, 0 destroyed");
    expect(readState(target).resources.map((resource) => resource.prevent_destroy)).toEqual([undefined, undefined]);
    const destroyed = await withoutStack(["destroy", "--auto-approve"]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain("0 added, 0 changed, 2 destroyed");
    expect(await fixture.keysOf(account)).toEqual([]);
  });

  it("plan -out names the option and the file when the file cannot be written", async () => {
    const target = targetFor("out");
    await synthesize({ keys: [{ name: "ci", serviceAccountId: account }] }, target.outDir);
    const missing = path.join(work, "no-such-dir", "plan.bin");
    const plan = await keyform(target, ["plan", "-out", missing]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toBe(`Error: -out ${missing}: cannot write the plan file: its directory does not exist (ENOENT); the plan was not saved\n`);
    const directory = await keyform(target, ["plan", `-out=${work}`]);
    expect(directory.stderr).toBe(`Error: -out ${work}: cannot write the plan file: it is a directory (EISDIR); the plan was not saved\n`);
  });

  it("an apply after a plan with no changes leaves the serial alone, though listed keys were used; a key made outside keyform is an output change", async () => {
    const target = targetFor("listing");
    const other = await fixture.account("e2e-guards-listing");
    const keys: FixtureKey[] = [{ name: "ci", serviceAccountId: other, description: "listed" }];
    await synthesize({ keys, listAccount: other }, target.outDir);
    await applyOk(target);
    const state = readState(target);
    // Authenticating with the key moves its last_used_at on the server.
    const keyId = state.resources[0]?.attributes?.id ?? "";
    await fixture.clientWithSecret(state.resources[0]?.attributes?.secret_key ?? "").getApiKey(keyId);
    expect((await fixture.client.getApiKey(keyId)).lastUsedAt, "the server records the use").toBeDefined();
    const plan = await keyform(target, ["plan", "--detailed-exitcode"]);
    expect(plan.code, plan.stdout).toBe(0);
    const again = await applyOk(target);
    expect(again.stdout).toContain("0 added, 0 changed, 0 destroyed");
    expect(readState(target).serial).toBe(state.serial);

    await fixture.client.createApiKey({ serviceAccountId: other, description: "made by hand" });
    const changed = await keyform(target, ["plan", "--json", "--detailed-exitcode"]);
    expect(changed.code).toBe(2);
    expect((JSON.parse(changed.stdout) as { output_changes: Record<string, { actions: string[] }> }).output_changes.listed_keys?.actions).toEqual(["update"]);
    await applyOk(target);
    expect(readState(target).serial).toBe(state.serial + 1);
    expect((readState(target).outputs.listed_keys?.value as unknown[]).length).toBe(2);
    expect((await keyform(target, ["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  it("SIGTERM (a cancelled CI job) releases the state lock", async () => {
    // An endpoint that accepts connections and never answers: apply holds the lock while it waits.
    const sockets: Socket[] = [];
    let connected = () => undefined as void;
    const firstConnection = new Promise<void>((resolve) => (connected = resolve));
    const silent: Server = createServer((socket) => {
      sockets.push(socket);
      connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const target = { ...targetFor("sigterm"), endpoint: `127.0.0.1:${port}` };
    await synthesize({ keys: [{ name: "ci", serviceAccountId: account }] }, target.outDir);
    const lockFile = `${target.stateFile}.lock`;
    const { child, stderr, exited } = spawnApply(target);
    try {
      // Its first connection comes after the lock is taken: the apply is then waiting on the API
      // (the case below covers a SIGTERM while the lock is being taken).
      const first = await Promise.race([firstConnection.then(() => "connected"), exited.then(() => "exited")]);
      expect(first, `the apply exited before connecting\n${stderr()}`).toBe("connected");
      expect(existsSync(lockFile), `the apply holds no lock\n${stderr()}`).toBe(true);
      child.kill("SIGTERM");
      const { code } = await exited;
      expect(code, stderr()).toBe(143);
      expect(stderr()).toContain("Terminated (SIGTERM): the lock is released");
      expect(existsSync(lockFile)).toBe(false);
    } finally {
      child.kill("SIGKILL");
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
  it("SIGTERM the moment the lock file appears (while it is being taken) still ends with no lock", async () => {
    const target = targetFor("sigterm-early");
    await synthesize({ keys: [{ name: "ci", serviceAccountId: account }] }, target.outDir);
    const lockFile = `${target.stateFile}.lock`;
    const { child, stderr, exited } = spawnApply(target);
    let sawLock = false;
    const poll = setInterval(() => {
      if (!sawLock && existsSync(lockFile)) {
        sawLock = true;
        child.kill("SIGTERM");
      }
    }, 1);
    try {
      const { code } = await exited;
      expect(sawLock, `the lock file never appeared\n${stderr()}`).toBe(true);
      expect(code, stderr()).toBe(143);
      expect(stderr()).toContain("Terminated (SIGTERM): the lock is released");
      expect(existsSync(lockFile), "the lock outlived the apply").toBe(false);
    } finally {
      clearInterval(poll);
      child.kill("SIGKILL");
    }
  });
});

/** Starts `keyform apply --auto-approve` on `target` in the background (as CI runs it). */
function spawnApply(target: { outDir: string; stateFile: string; endpoint: string; token: string }) {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, "bin/keyform.js"), "apply", "--auto-approve", "--dir", path.join(repoRoot, "test/fixtures/apps/reconcile"), "--out-dir", target.outDir, "--state", target.stateFile, "--endpoint", target.endpoint],
    { env: { ...process.env, KEYFORM_TOKEN: target.token, KEYFORM_TRACE: "", CI: "true" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => stderr, exited };
}
