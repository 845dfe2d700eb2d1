import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { open } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  StateFileError,
  OWNERLESS_LOCK_GRACE_MS,
  StateLockedError,
  acquireStateLock,
  createStateStore,
  forceUnlock,
  newState,
  protectedForDestroy,
  readStateFile,
  withPreventDestroy,
  writeStateFileDurably,
} from "../../src/reconcile/state/index.js";
import type { DesiredState, StateFile, StateResource } from "../../src/reconcile/types.js";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "keyform-state-test-"));
  file = path.join(dir, "keyform.state.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const resource: StateResource = {
  address: "keyform_api_key.ci",
  config: { service_account_id: "ajeaccount00000000001", description: "ci", scopes: ["yc.monitoring.read"], expires_at: null, rotate_after: null, keepers: null, age_recipients: null },
  attributes: { id: "ajekey0000000000001", created_at: "2026-01-01T00:00:00Z", masked_secret: "****abcdef", secret_key: "AQVN-not-a-real-secret", encrypted_secret_key: null, secret_unknown: false },
  pending_create: null,
  deposed: [],
};

function validState(): StateFile {
  return { ...newState(), serial: 3, resources: [resource] };
}

describe("state file read/write", () => {
  it("round-trips a valid state and writes mode 0600", async () => {
    const state = validState();
    await writeStateFileDurably(file, state);
    expect(await readStateFile(file)).toEqual(state);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("returns null when the file does not exist", async () => {
    expect(await readStateFile(file)).toBeNull();
  });

  it.each([
    { reason: "not JSON", text: "{not json", expected: /is not valid JSON/ },
    { reason: "newer format version", text: JSON.stringify({ ...validState(), version: 2 }), expected: /format version 2, newer than this keyform/ },
    { reason: "missing lineage", text: JSON.stringify({ ...validState(), lineage: undefined }), expected: /must have required property 'lineage'/ },
    { reason: "serial is a string", text: JSON.stringify({ ...validState(), serial: "3" }), expected: /\/serial must be integer/ },
    {
      reason: "unknown attribute in a resource",
      text: JSON.stringify({ ...validState(), resources: [{ ...resource, extra: 1 }] }),
      expected: /\/resources\/0 must NOT have additional properties/,
    },
    {
      reason: "address of another resource type",
      text: JSON.stringify({ ...validState(), resources: [{ ...resource, address: "aws_instance.x" }] }),
      expected: /\/resources\/0\/address must match pattern/,
    },
    {
      reason: "prevent_destroy that is not a boolean",
      text: JSON.stringify({ ...validState(), resources: [{ ...resource, prevent_destroy: "yes" }] }),
      expected: /\/resources\/0\/prevent_destroy must be boolean/,
    },
  ])("rejects $reason, naming the file and changing nothing", async ({ text, expected }) => {
    writeFileSync(file, text);
    const error = await readStateFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(expected);
    expect(readFileSync(file, "utf8")).toBe(text);
  });
});

describe("prevent_destroy records in state", () => {
  it("a state written before keyform recorded prevent_destroy still loads (the field is optional), and one with it round-trips", async () => {
    const older = validState();
    writeFileSync(file, JSON.stringify(older));
    expect(await readStateFile(file)).toEqual(older);
    const recorded: StateFile = { ...validState(), resources: [{ ...resource, prevent_destroy: true }] };
    await writeStateFileDurably(file, recorded);
    expect(await readStateFile(file)).toEqual(recorded);
  });

  it.each([
    { reason: "set on an unrecorded resource adds the field", from: {}, value: true, want: { prevent_destroy: true }, same: false },
    { reason: "cleared removes the field (absent means false)", from: { prevent_destroy: true }, value: false, want: {}, same: false },
    { reason: "an explicit false read from a file counts as unset", from: { prevent_destroy: false }, value: false, want: { prevent_destroy: false }, same: true },
    { reason: "unchanged returns the same object (nothing to write)", from: { prevent_destroy: true }, value: true, want: { prevent_destroy: true }, same: true },
  ])("withPreventDestroy: $reason", ({ from, value, want, same }) => {
    const before: StateResource = { ...resource, ...from };
    const after = withPreventDestroy(before, value);
    expect(after).toEqual({ ...resource, ...want });
    expect(after === before).toBe(same);
  });

  const stack = (keys: [string, boolean][]): DesiredState => ({
    stack: "demo",
    file: "cdk.tf.json",
    keys: keys.map(([name, prevent]) => ({ address: `keyform_api_key.${name}`, config: resource.config, lifecycle: { create_before_destroy: false, prevent_destroy: prevent, ignore_changes: [] } })),
    listings: [],
    outputs: [],
    exclusive_service_accounts: [],
    provider: { endpoint: null, data_dir: null, insecure: null, ca_file: null },
  });
  const inState = (entries: [string, boolean | undefined][]): StateFile => ({
    ...newState(),
    resources: entries.map(([name, prevent]) => ({ ...resource, address: `keyform_api_key.${name}`, ...(prevent === undefined ? {} : { prevent_destroy: prevent }) })),
  });
  it.each([
    { reason: "no stack: state's records decide", desired: null, state: inState([["a", true], ["b", undefined], ["c", false]]), want: { addresses: ["keyform_api_key.a"], source: "state" } },
    { reason: "a stack: its declarations decide, even against state's record", desired: stack([["a", false], ["b", true]]), state: inState([["a", true], ["b", undefined]]), want: { addresses: ["keyform_api_key.b"], source: "configuration" } },
    { reason: "a stack: a protected key not in state is not in the way", desired: stack([["z", true]]), state: inState([["a", undefined]]), want: { addresses: [], source: "configuration" } },
  ])("protectedForDestroy: $reason", ({ desired, state, want }) => {
    expect(protectedForDestroy(desired, state)).toEqual(want);
  });
});

describe("state store", () => {
  it("bumps serial on every durable write and keeps resources sorted", async () => {
    const store = createStateStore(file, newState());
    await store.update((draft) => void draft.resources.set("keyform_api_key.z", { ...resource, address: "keyform_api_key.z" }));
    await store.update((draft) => void draft.resources.set("keyform_api_key.a", { ...resource, address: "keyform_api_key.a" }));
    const onDisk = await readStateFile(file);
    expect(onDisk?.serial).toBe(2);
    expect(onDisk?.resources.map((entry) => entry.address)).toEqual(["keyform_api_key.a", "keyform_api_key.z"]);
    expect(store.writeCount).toBe(2);
  });

  it("groups concurrent updates into fewer writes, each update durable when it resolves", async () => {
    const store = createStateStore(file, newState());
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.update((draft) => void draft.resources.set(`keyform_api_key.k${index}`, { ...resource, address: `keyform_api_key.k${index}` })),
      ),
    );
    const onDisk = await readStateFile(file);
    expect(onDisk?.resources).toHaveLength(20);
    expect(store.writeCount).toBeLessThan(20);
    expect(onDisk?.serial).toBe(store.writeCount);
  });

  it("an update made while a journal write is in flight is on disk when it resolves (before close)", async () => {
    const store = createStateStore(file, newState());
    const at = (index: number): StateResource => ({ ...resource, address: `keyform_api_key.k${index}` });
    await store.update((draft) => void draft.resources.set(at(0).address, at(0)));
    // The first update's journal write starts at once; the next two change the draft while it is in flight.
    const inFlight = store.update((draft) => void draft.resources.set(at(1).address, at(1)));
    const during = store.update((draft) => void draft.resources.set(at(2).address, at(2)));
    const removal = store.update((draft) => void draft.resources.delete(at(0).address));
    await Promise.all([inFlight, during, removal]);
    expect(existsSync(`${file}.journal`)).toBe(true);
    expect((await readStateFile(file))?.resources.map((entry) => entry.address)).toEqual(["keyform_api_key.k1", "keyform_api_key.k2"]);
    await store.close();
  });

  it("a run that writes nothing still folds the journal a killed run left into the file, without a serial bump", async () => {
    const killed = createStateStore(file, newState());
    await killed.update((draft) => void draft.resources.set(resource.address, resource));
    await killed.update((draft) => void draft.resources.set("keyform_api_key.b", { ...resource, address: "keyform_api_key.b" }));
    // No close(): what a SIGKILL leaves.
    expect(existsSync(`${file}.journal`)).toBe(true);
    const merged = await readStateFile(file);
    const next = createStateStore(file, merged as StateFile);
    await next.close();
    expect(existsSync(`${file}.journal`)).toBe(false);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(merged);
    expect(merged?.serial).toBe(2);
  });

  it("a write that failed after its snapshot was on disk keeps its serial: the next write is not hidden behind it", async () => {
    const store = createStateStore(file, newState());
    // Journal entries of 300 kB: the sixth write finds the journal past 1 MiB and is a snapshot.
    const big = (version: number): StateResource => ({ ...resource, config: { ...resource.config, description: `${version}`.padEnd(300_000, "x") } });
    for (let version = 1; version <= 5; version++) await store.update((draft) => void draft.resources.set(resource.address, big(version)));
    // A directory where the journal was: the snapshot is written, then removing the journal fails.
    rmSync(`${file}.journal`);
    mkdirSync(`${file}.journal`);
    writeFileSync(path.join(`${file}.journal`, "blocker"), "");
    const failed = await store.update((draft) => void draft.resources.set(resource.address, big(6))).catch((caught: unknown) => caught);
    expect(failed).toBeInstanceOf(Error);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ serial: 6 });
    rmSync(`${file}.journal`, { recursive: true });
    await store.update((draft) => void draft.resources.set("keyform_api_key.b", { ...resource, address: "keyform_api_key.b" }));
    const onDisk = await readStateFile(file);
    expect(onDisk?.serial).toBe(7);
    expect(onDisk?.resources.map((each) => each.address)).toEqual(["keyform_api_key.b", "keyform_api_key.ci"]);
  });

  it("a journal append whose fdatasync failed (its line may be on disk) makes the next write a snapshot: the state stays readable", async () => {
    const store = createStateStore(file, newState());
    await store.update((draft) => void draft.resources.set(resource.address, resource));
    await store.update((draft) => void draft.resources.set("keyform_api_key.b", { ...resource, address: "keyform_api_key.b" }));
    // The next fdatasync of any file handle fails once, after its line was written.
    const probe = await open(path.join(dir, "probe"), "w");
    const handlePrototype = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const datasync = handlePrototype.datasync;
    handlePrototype.datasync = async () => {
      handlePrototype.datasync = datasync;
      throw Object.assign(new Error("EIO: i/o error, fdatasync (simulated)"), { code: "EIO" });
    };
    try {
      const failed = await store.update((draft) => void draft.resources.set("keyform_api_key.c", { ...resource, address: "keyform_api_key.c" })).catch((caught: unknown) => caught);
      expect(String(failed)).toContain("EIO");
    } finally {
      handlePrototype.datasync = datasync;
    }
    await store.update((draft) => void draft.resources.set("keyform_api_key.d", { ...resource, address: "keyform_api_key.d" }));
    const onDisk = await readStateFile(file);
    expect(onDisk?.resources.map((each) => each.address)).toEqual(["keyform_api_key.b", "keyform_api_key.c", "keyform_api_key.ci", "keyform_api_key.d"]);
    expect(onDisk?.serial).toBe(3);
    expect(existsSync(`${file}.journal`), "the snapshot replaced the suspect journal").toBe(false);
    await store.close();
  });

  it("removes temp files a killed writer left behind (they may hold secrets), and nothing else", async () => {
    const leftover = path.join(dir, ".keyform.state.json.12345.abcd1234.tmp");
    const unrelated = path.join(dir, ".other.json.1.x.tmp");
    writeFileSync(leftover, "{}");
    writeFileSync(unrelated, "{}");
    const store = createStateStore(file, newState());
    await store.update(() => undefined);
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(unrelated)).toBe(true);
  });

  it("refuses to overwrite a state of another lineage", async () => {
    const other = validState();
    await writeStateFileDurably(file, other);
    const store = createStateStore(file, newState());
    const error = await store.update(() => undefined).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toContain(`belongs to lineage ${other.lineage}`);
    expect(await readStateFile(file)).toEqual(other);
  });
});

describe("state journal", () => {
  const journal = () => `${file}.journal`;
  const entry = (serial: number, lineage: string, extra: object = {}) => JSON.stringify({ lineage, serial, set: [], delete: [], ...extra });

  it("writes after the first go to the journal; readers merge it; close() folds it into the file", async () => {
    const store = createStateStore(file, newState());
    await store.update((draft) => void draft.resources.set("keyform_api_key.a", { ...resource, address: "keyform_api_key.a" }));
    await store.update((draft) => void draft.resources.set("keyform_api_key.b", { ...resource, address: "keyform_api_key.b" }));
    await store.update((draft) => void draft.resources.delete("keyform_api_key.a"));
    expect(JSON.parse(readFileSync(file, "utf8")).serial).toBe(1);
    expect(readFileSync(journal(), "utf8").trim().split("\n")).toHaveLength(2);
    const merged = await readStateFile(file);
    expect(merged?.serial).toBe(3);
    expect(merged?.resources.map((entry) => entry.address)).toEqual(["keyform_api_key.b"]);
    await store.close();
    expect(existsSync(journal())).toBe(false);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(merged);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.each([
    { reason: "entries already in the snapshot are skipped; a torn last line is ignored", lines: (l: string) => `${entry(3, l)}\n${entry(4, l, { delete: ["keyform_api_key.ci"] })}\n{"lineage":`, serial: 4, count: 0 },
    { reason: "no new entries", lines: (l: string) => `${entry(2, l)}\n`, serial: 3, count: 1 },
  ])("$reason", async ({ lines, serial, count }) => {
    const state = validState();
    await writeStateFileDurably(file, state);
    writeFileSync(journal(), lines(state.lineage));
    const read = await readStateFile(file);
    expect(read?.serial).toBe(serial);
    expect(read?.resources).toHaveLength(count);
  });

  it("the next run's writes go after a torn last line a killed write left, not onto it", async () => {
    const state = validState();
    await writeStateFileDurably(file, state);
    const torn = `{"lineage":"${state.lineage}","serial":5,"set":[{"address":"keyform_api_key.x","con`;
    writeFileSync(journal(), `${entry(4, state.lineage)}\n${torn}`);
    const store = createStateStore(file, (await readStateFile(file)) as StateFile);
    await store.update((draft) => void draft.resources.set("keyform_api_key.b", { ...resource, address: "keyform_api_key.b" }));
    expect(readFileSync(journal(), "utf8")).not.toContain(torn);
    const merged = await readStateFile(file);
    expect(merged?.serial).toBe(5);
    expect(merged?.resources.map((each) => each.address)).toEqual(["keyform_api_key.b", "keyform_api_key.ci"]);
    await store.close();
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(merged);
  });

  it.each([
    { reason: "a gap in serials", lines: (l: string) => `${entry(5, l)}\n`, expected: /journal jumps from serial 3 to 5/ },
    { reason: "another lineage", lines: () => `${entry(4, "other")}\n`, expected: /belongs to lineage other/ },
    { reason: "a malformed middle line", lines: (l: string) => `nope\n${entry(4, l)}\n`, expected: /line 1 of .*journal is not valid JSON/ },
    { reason: "an entry breaking the schema", lines: (l: string) => `${entry(4, l, { set: [{ address: "x" }] })}\n`, expected: /does not match the state schema/ },
  ])("rejects a journal with $reason, naming the file", async ({ lines, expected }) => {
    const state = validState();
    await writeStateFileDurably(file, state);
    writeFileSync(journal(), lines(state.lineage));
    const error = await readStateFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(expected);
  });
});

describe("state lock", () => {
  it("a second lock on the same state fails naming the owner", async () => {
    const first = await acquireStateLock(file, "apply");
    const error = await acquireStateLock(file, "apply").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as StateLockedError).stale).toBe(false);
    expect((error as Error).message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect((error as Error).message).toContain(`command "apply"`);
    await first.release();
    const again = await acquireStateLock(file, "apply");
    await again.release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("a stale lock (dead pid on this host) is reported with its owner; --force-unlock removes only that", async () => {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const deadPid = Number(child.stdout);
    const owner = { pid: deadPid, host: hostname(), user: "someone", command: "apply", started_at: "2026-01-01T00:00:00.000Z" };
    writeFileSync(`${file}.lock`, JSON.stringify(owner));
    const error = await acquireStateLock(file, "apply").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as StateLockedError).stale).toBe(true);
    expect((error as Error).message).toContain(`pid ${deadPid} on ${hostname()}, user someone`);
    expect((error as Error).message).toContain("force-unlock");
    const lock = await acquireStateLock(file, "apply", { forceUnlockStale: true });
    expect(JSON.parse(readFileSync(`${file}.lock`, "utf8")).pid).toBe(process.pid);
    await lock.release();
  });

  it("a lock with no readable owner is stale once older than the grace period (by mtime), and --force-unlock removes it", async () => {
    const lockFile = `${file}.lock`;
    // mtimes are set explicitly (far past, far future) so that no case depends on how fast the test runs.
    const cases = [
      { reason: "empty, an hour old (writer killed between create and write)", content: "", ageMs: 3_600_000, stale: true },
      { reason: "not an owner record, an hour old", content: "{\"pid\":", ageMs: 3_600_000, stale: true },
      { reason: "empty, just past the grace period", content: "", ageMs: OWNERLESS_LOCK_GRACE_MS, stale: true },
      { reason: "empty, modified in the future (being written, or clock skew)", content: "", ageMs: -3_600_000, stale: false },
    ];
    for (const { reason, content, ageMs, stale } of cases) {
      writeFileSync(lockFile, content);
      const mtime = new Date(Date.now() - ageMs - (ageMs > 0 ? 1_000 : 0));
      utimesSync(lockFile, mtime, mtime);
      const error = await acquireStateLock(file, "apply").catch((caught: unknown) => caught);
      expect(error, reason).toBeInstanceOf(StateLockedError);
      expect((error as StateLockedError).stale, reason).toBe(stale);
      expect((error as StateLockedError).owner, reason).toBeNull();
      expect((error as Error).message, reason).toContain(`${lockFile} `);
      expect((error as Error).message, reason).toContain("no readable owner: the file is empty or not an owner record");
      expect((error as Error).message, reason).toContain(stale ? "stale lock" : "Try again");
      const forced = await acquireStateLock(file, "apply", { forceUnlockStale: true }).catch((caught: unknown) => caught);
      if (stale) {
        expect(JSON.parse(readFileSync(lockFile, "utf8")).pid, reason).toBe(process.pid);
        await (forced as { release(): Promise<void> }).release();
      } else {
        expect(forced, reason).toBeInstanceOf(StateLockedError);
        expect(readFileSync(lockFile, "utf8"), reason).toBe(content);
        rmSync(lockFile);
      }
    }
  });

  it("forceUnlockStale never removes a live lock; force-unlock removes any and names the owner", async () => {
    const live = { pid: process.pid, host: hostname(), user: "me", command: "apply", started_at: "2026-01-01T00:00:00.000Z" };
    writeFileSync(`${file}.lock`, JSON.stringify(live));
    const error = await acquireStateLock(file, "apply", { forceUnlockStale: true }).catch((caught: unknown) => caught);
    expect((error as StateLockedError).stale).toBe(false);
    expect(await forceUnlock(file)).toEqual({ removed: true, owner: live });
    expect(await forceUnlock(file)).toEqual({ removed: false, owner: null });
  });
});
