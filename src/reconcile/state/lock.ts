import { hostname, userInfo } from "node:os";
import { open, readFile, rm, stat } from "node:fs/promises";

/** Who holds a state lock, as written into `<state>.lock`. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly user: string;
  readonly command: string;
  readonly started_at: string;
}

/**
 * A lock file with no readable owner (empty, or not an owner record) older than this was left
 * by a process killed between creating the file and writing its owner (which takes
 * microseconds): it is stale. A younger one may be being written right now.
 */
export const OWNERLESS_LOCK_GRACE_MS = 5_000;

/**
 * The state is locked by someone else. `stale` when the owner's process is gone from this
 * host, or when the lock has no readable owner and is older than OWNERLESS_LOCK_GRACE_MS
 * (`ownerlessAgeMs` is then set).
 */
export class StateLockedError extends Error {
  readonly lockFile: string;
  readonly owner: LockOwner | null;
  readonly stale: boolean;
  readonly ownerlessAgeMs: number | null;
  constructor(lockFile: string, owner: LockOwner | null, stale: boolean, ownerlessAgeMs: number | null = null) {
    const age = ownerlessAgeMs === null ? "" : `, ${Math.max(0, Math.round(ownerlessAgeMs / 1000))} s old`;
    const who = owner ? describeOwner(owner) : `no readable owner: the file is empty or not an owner record${age}`;
    const why = owner ? "that process is no longer running" : "the process that created it was killed before writing its owner";
    super(
      stale
        ? `state is locked by a stale lock ${lockFile} (${who}; ${why}). ` + `Remove it with \`keyform force-unlock\` or pass --force-unlock`
        : owner
          ? `state is locked: ${lockFile} is held by ${who}. Wait for it to finish, or if it is gone run \`keyform force-unlock\``
          : `state is locked: ${lockFile} has ${who} (its owner is probably still writing it). Try again; if no keyform is running, run \`keyform force-unlock\``,
    );
    this.name = "StateLockedError";
    this.lockFile = lockFile;
    this.owner = owner;
    this.stale = stale;
    this.ownerlessAgeMs = ownerlessAgeMs;
  }
}

export interface StateLock {
  readonly lockFile: string;
  release(): Promise<void>;
}

export function lockFileOf(stateFile: string): string {
  return `${stateFile}.lock`;
}

export function describeOwner(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.host}, user ${owner.user}, command "${owner.command}", since ${owner.started_at}`;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Reads the lock's owner, or null when the file is missing or not an owner record. */
export async function readLockOwner(lockFile: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await readFile(lockFile, "utf8")) as Partial<LockOwner>;
    if (typeof owner.pid !== "number" || typeof owner.host !== "string") return null;
    return {
      pid: owner.pid,
      host: owner.host,
      user: String(owner.user ?? "?"),
      command: String(owner.command ?? "?"),
      started_at: String(owner.started_at ?? "?"),
    };
  } catch {
    return null;
  }
}

/** True when the owner ran on this host and its process is gone. Owners on other hosts are never presumed dead. */
export function isStale(owner: LockOwner): boolean {
  return owner.host === hostname() && !processIsAlive(owner.pid);
}

/**
 * Takes `<state>.lock` with an exclusive create holding the owner record. Throws
 * StateLockedError naming the owner when the lock is held. With `forceUnlockStale`, a stale
 * lock (owner process gone from this host, or no readable owner for OWNERLESS_LOCK_GRACE_MS)
 * is removed first; a live lock never is.
 */
export async function acquireStateLock(stateFile: string, command: string, options: { forceUnlockStale?: boolean } = {}): Promise<StateLock> {
  const lockFile = lockFileOf(stateFile);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    user: safeUserName(),
    command,
    started_at: new Date().toISOString(),
  };
  let forced = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, "wx", 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(owner)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { lockFile, release: () => rm(lockFile, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await inspectLock(lockFile);
    // Released between our create and our read: try again.
    if (holder.kind === "gone" && attempt < 3) continue;
    const holderOwner = holder.kind === "owner" ? holder.owner : null;
    const ownerlessAgeMs = holder.kind === "ownerless" ? holder.ageMs : null;
    const stale = holderOwner ? isStale(holderOwner) : ownerlessAgeMs !== null && ownerlessAgeMs >= OWNERLESS_LOCK_GRACE_MS;
    if (stale && options.forceUnlockStale && !forced) {
      forced = true;
      await rm(lockFile, { force: true });
      continue;
    }
    throw new StateLockedError(lockFile, holderOwner, stale, ownerlessAgeMs);
  }
}

/** What holds a lock file: a readable owner, no readable owner (with the file's age by mtime), or nothing any more. */
async function inspectLock(lockFile: string): Promise<{ kind: "owner"; owner: LockOwner } | { kind: "ownerless"; ageMs: number } | { kind: "gone" }> {
  const owner = await readLockOwner(lockFile);
  if (owner) return { kind: "owner", owner };
  try {
    return { kind: "ownerless", ageMs: Date.now() - (await stat(lockFile)).mtimeMs };
  } catch {
    return { kind: "gone" };
  }
}

/** Removes the lock whatever its owner; returns the owner it had (null when none or unreadable). */
export async function forceUnlock(stateFile: string): Promise<{ removed: boolean; owner: LockOwner | null }> {
  const lockFile = lockFileOf(stateFile);
  const owner = await readLockOwner(lockFile);
  try {
    await rm(lockFile);
    return { removed: true, owner };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { removed: false, owner: null };
    throw error;
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}
