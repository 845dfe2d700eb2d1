import { rmSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { ExitError } from "../exit-error.js";
import { addConnectionOptions, settingsFromFlags } from "../connection.js";
import type { ConnectionFlags } from "../connection.js";
import type { Connection } from "../../embedded/index.js";
import type { DesiredState, StateFile } from "../../reconcile/types.js";
import type { StateLock, StateStore } from "../../reconcile/state/index.js";

/** Options shared by the reconciler's commands, as commander parses them. */
export interface ReconcileFlags extends ConnectionFlags {
  dir?: string;
  state?: string;
  forceUnlock?: boolean;
}

/** Adds --dir, --state and the connection options. */
export function addProjectOptions(command: Command): Command {
  command
    .option("--dir <dir>", "project directory (holds cdktf.json, cdktf.out/ and the state file)", ".")
    .option("--state <file>", "state file (default: keyform.state.json in the project directory)");
  return addConnectionOptions(command);
}

/** Adds --force-unlock to a command that takes the state lock. */
export function addLockOptions(command: Command): Command {
  return command.option("--force-unlock", "remove a stale lock (its process is gone from this host) before starting");
}

/** The project directory, absolute. */
export function projectDir(flags: ReconcileFlags): string {
  return path.resolve(flags.dir ?? ".");
}

/** The state file: --state (relative to the working directory) or keyform.state.json in the project directory. */
export async function statePath(flags: ReconcileFlags): Promise<string> {
  const { DEFAULT_STATE_FILE } = await import("../../reconcile/state/index.js");
  return flags.state ? path.resolve(flags.state) : path.join(projectDir(flags), DEFAULT_STATE_FILE);
}

/** The clock of plans: KEYFORM_NOW (RFC 3339, for tests of rotation) or the real time. */
export function planningNow(env: NodeJS.ProcessEnv = process.env): Date {
  const text = env.KEYFORM_NOW;
  if (!text) return new Date();
  const now = new Date(text);
  if (Number.isNaN(now.getTime())) throw new ExitError(`KEYFORM_NOW: "${text}" is not a timestamp such as 2030-01-01T00:00:00Z`);
  return now;
}

/**
 * Opens the API connection: flags and environment first, then the stack's provider block
 * (endpoint, data_dir, insecure, ca_file), then the embedded default under
 * `<project>/.keyform`.
 */
export async function openConnection(flags: ReconcileFlags, desired: DesiredState | null): Promise<Connection> {
  const settings = await settingsFromFlags(flags);
  const provider = desired?.provider;
  const dataDir = settings.dataDir ?? provider?.data_dir ?? null;
  const { connect, ConnectionSettingsError } = await import("../../embedded/index.js");
  try {
    return await connect({
      ...settings,
      endpoint: settings.endpoint ?? provider?.endpoint ?? null,
      caFile: settings.caFile ?? provider?.ca_file ?? null,
      insecure: settings.insecure ?? provider?.insecure ?? null,
      dataDir: dataDir ? path.resolve(projectDir(flags), dataDir) : path.join(projectDir(flags), ".keyform"),
    });
  } catch (error) {
    if (error instanceof ConnectionSettingsError) throw new ExitError(error.message);
    throw error;
  }
}

/** Runs `body` with a connection, always closing it. */
export async function withApi<T>(flags: ReconcileFlags, desired: DesiredState | null, body: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await openConnection(flags, desired);
  try {
    return await body(connection);
  } finally {
    await connection.close();
  }
}

/** Reads the state (or a new one) without locking: for plan, output and state list/show. */
export async function readStateUnlocked(flags: ReconcileFlags): Promise<{ file: string; state: StateFile; exists: boolean }> {
  const { readStateFile, newState } = await import("../../reconcile/state/index.js");
  const file = await statePath(flags);
  const state = await readStateFile(file);
  return { file, state: state ?? newState(), exists: state !== null };
}

/** Set while changes run: the first Ctrl-C (or SIGTERM) aborts it (nothing new starts) instead of exiting. */
let gracefulInterrupt: AbortController | null = null;

/**
 * Runs `body` with an AbortSignal that the first Ctrl-C or SIGTERM aborts (changes in flight
 * finish and are recorded); a second one exits at once, releasing the lock (state stays
 * crash-safe).
 */
export async function interruptible<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  gracefulInterrupt = controller;
  try {
    return await body(controller.signal);
  } finally {
    gracefulInterrupt = null;
  }
}

/** Exit codes of a process ended by the signal, as a shell reports them (128 + signal number). */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

type ExitSignal = keyof typeof SIGNAL_EXIT_CODES;

/**
 * Takes the state lock, reads the state and runs `body` with a store that writes it; the lock
 * is released afterwards, also on failure, on Ctrl-C and on SIGTERM (what CI sends to a
 * cancelled job); not on SIGKILL: that is what stale locks are for. The signal handlers are
 * installed before the lock is taken: a signal that arrives while it is being taken ends the
 * command as soon as the lock is ours (and released), so no signal can leave a lock behind.
 */
export async function withLockedState<T>(flags: ReconcileFlags, command: string, body: (store: StateStore) => Promise<T>): Promise<T> {
  const { acquireStateLock, readStateOrNew, createStateStore } = await import("../../reconcile/state/index.js");
  const file = await statePath(flags);
  let lock: StateLock | null = null;
  let signalledWhileLocking: ExitSignal | null = null;
  const exitReleasing = (signal: ExitSignal, lockFile: string | null) => {
    // Every record already written is crash-safe; only the lock must not outlive us.
    if (lockFile) rmSync(lockFile, { force: true });
    process.stderr.write(`\n${signal === "SIGINT" ? "Interrupted" : "Terminated (SIGTERM)"}: the lock is released; the next apply finishes whatever was in flight.\n`);
    process.exit(SIGNAL_EXIT_CODES[signal]);
  };
  const onSignal = (signal: ExitSignal) => {
    if (!lock) {
      // Still taking the lock: a second signal exits at once (a half-written lock has no
      // readable owner and turns stale by itself); the first waits for the lock, then exits.
      if (signalledWhileLocking) exitReleasing(signal, null);
      signalledWhileLocking = signal;
      return;
    }
    const again = signal === "SIGINT" ? "press Ctrl-C again" : "send SIGTERM again";
    if (gracefulInterrupt && !gracefulInterrupt.signal.aborted) {
      process.stderr.write(`\n${signal} received: finishing the changes in flight and recording them; ${again} to stop at once.\n`);
      gracefulInterrupt.abort();
      return;
    }
    exitReleasing(signal, lock.lockFile);
  };
  const handlers = (Object.keys(SIGNAL_EXIT_CODES) as ExitSignal[]).map((signal) => {
    const handler = () => onSignal(signal);
    process.on(signal, handler);
    return () => process.removeListener(signal, handler);
  });
  try {
    const acquired = await acquireStateLock(file, command, { forceUnlockStale: flags.forceUnlock === true });
    lock = acquired;
    if (signalledWhileLocking) exitReleasing(signalledWhileLocking, acquired.lockFile);
    try {
      const store = createStateStore(file, await readStateOrNew(file));
      let result: T;
      try {
        result = await body(store);
      } catch (error) {
        // Fold the journal into the snapshot even after a failure; the body's error is the one to report.
        await store.close().catch(() => undefined);
        throw error;
      }
      await store.close();
      return result;
    } finally {
      await acquired.release();
    }
  } finally {
    for (const remove of handlers) remove();
  }
}

/**
 * Turns the reconciler's known failures into ExitErrors (their messages name the file,
 * address or owner and never hold a secret); anything else is rethrown.
 */
export async function asExitError(error: unknown): Promise<never> {
  if (error instanceof ExitError) throw error;
  const [{ StateFileError, StateLockedError }, { ApiError }, { PlanRefusedError }] = await Promise.all([
    import("../../reconcile/state/index.js"),
    import("../../api-error.js"),
    import("../../reconcile/types.js"),
  ]);
  if (error instanceof StateFileError || error instanceof StateLockedError || error instanceof PlanRefusedError || error instanceof ApiError) {
    throw new ExitError(error.message);
  }
  const known = ["DesiredStateError", "StackSelectionError", "SynthError"];
  if (error instanceof Error && known.includes(error.name)) throw new ExitError(error.message);
  throw error;
}
