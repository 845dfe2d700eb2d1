import { hostname, userInfo } from "node:os";
import { open, readFile, rm } from "node:fs/promises";

/** Who holds a state lock, as written into `<state>.lock`. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly user: string;
  readonly command: string;
  readonly started_at: string;
}

/** The state is locked by someone else; `stale` when the owner's process is gone from this host. */
export class StateLockedError extends Error {
  readonly lockFile: string;
  readonly owner: LockOwner | null;
  readonly stale: boolean;
  constructor(lockFile: string, owner: LockOwner | null, stale: boolean) {
    const who = owner ? describeOwner(owner) : "an unreadable owner";
    super(
      stale
        ? `state is locked by a stale lock ${lockFile} (${who}; that process is no longer running). ` +
            `Remove it with \`keyform force-unlock\` or pass --force-unlock`
        : `state is locked: ${lockFile} is held by ${who}. Wait for it to finish, or if it is gone run \`keyform force-unlock\``,
    );
    this.name = "StateLockedError";
    this.lockFile = lockFile;
    this.owner = owner;
    this.stale = stale;
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
 * lock (owner process gone from this host) is removed first; a live lock never is.
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
    const holder = await readLockOwner(lockFile);
    const stale = holder !== null && isStale(holder);
    if (stale && options.forceUnlockStale && attempt === 0) {
      await rm(lockFile, { force: true });
      continue;
    }
    throw new StateLockedError(lockFile, holder, stale);
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
