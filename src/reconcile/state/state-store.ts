import { stat } from "node:fs/promises";
import type { StateFile, StateResource } from "../types.js";
import { StateFileError, readStateFile, removeStaleTempFiles, writeStateFileDurably } from "./state-file.js";
import { JournalWriter, journalFileOf } from "./journal.js";
import { createTracer } from "../../client/trace.js";

const trace = createTracer("reconcile");

/** The mutable working copy a state update edits; resources keyed by address. */
export interface StateDraft {
  readonly resources: Map<string, StateResource>;
  outputs: Record<string, { value: unknown; sensitive: boolean }>;
}

/**
 * The state of one run, written through one queue: every `update` is applied in order and
 * resolves only once it is durably on disk. Updates that arrive while a write is in flight
 * are written together by the next one (group commit), and every write bumps `serial` by one.
 * A write appends what changed to `<state>.journal` (O(changes)); a full snapshot is written
 * first (no state file yet), when the journal outgrows the snapshot, and by `close()`.
 */
export interface StateStore {
  readonly file: string;
  /** The latest state including every update accepted so far. */
  current(): StateFile;
  /** One resource of the latest state (cheaper than current() for a lookup). */
  resource(address: string): StateResource | undefined;
  update(mutate: (draft: StateDraft) => void): Promise<void>;
  /**
   * Waits for pending writes, then folds the journal into a durable snapshot and removes it.
   * Call before releasing the lock; a crash before it only leaves a journal that readers apply.
   */
  close(): Promise<void>;
  /** Durable writes so far, close()'s snapshot included (drives the KEYFORM_CRASH_AFTER test hook). */
  readonly writeCount: number;
}

/**
 * A test hook: `KEYFORM_CRASH_AFTER=<n>` kills the process with SIGKILL right after the n-th
 * durable state write (close()'s snapshot counts too); after a snapshot, before the journal it
 * replaces is removed.
 */
function crashAfterWrites(): number | undefined {
  const text = process.env.KEYFORM_CRASH_AFTER;
  if (!text) return undefined;
  const count = Number(text);
  return Number.isInteger(count) && count > 0 ? count : undefined;
}

/** Turns a draft back into the file's shape, resources sorted by address for stable diffs. */
function snapshot(base: StateFile, draft: StateDraft, serial: number): StateFile {
  const resources = [...draft.resources.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { ...base, serial, resources, outputs: draft.outputs };
}

/** Journal growth (bytes) that always triggers a snapshot, whatever the state's size. */
const JOURNAL_COMPACT_MIN_BYTES = 1 << 20;

/**
 * Opens a store over `initial` (the state as read under the lock). Before the first write it
 * re-reads the state and refuses (StateFileError) if another lineage has appeared there, so a
 * state of another lineage is never overwritten.
 */
export function createStateStore(file: string, initial: StateFile): StateStore {
  const draft: StateDraft = {
    resources: new Map(initial.resources.map((resource) => [resource.address, resource])),
    outputs: { ...initial.outputs },
  };
  // What the files on disk hold, by identity: a write sends only what differs from it.
  let written = new Map(draft.resources);
  let writtenOutputs = draft.outputs;
  let serial = initial.serial;
  // The serial of the last write that reached the disk: a failed write gives its serial back
  // only when nothing of it did (a snapshot whose old journal could not be removed did).
  let durableSerial = initial.serial;
  let writeCount = 0;
  // A journal append that failed may still have left its line on disk (a failed fdatasync):
  // appending the next write's reused serial after it would make the journal unreadable, so
  // the next write is a snapshot, which supersedes the journal, instead.
  let journalSuspect = false;
  let checked = false;
  let snapshotExists = false;
  let snapshotBytes = 0;
  const journal = new JournalWriter(journalFileOf(file));
  const crashAfter = crashAfterWrites();
  let waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  let flushing: Promise<void> | null = null;

  /** Counts a write that is now durable, and runs the crash hook. */
  function countDurableWrite(): void {
    durableSerial = serial;
    writeCount += 1;
    if (crashAfter !== undefined && writeCount >= crashAfter) process.kill(process.pid, "SIGKILL");
  }

  async function writeSnapshot(content: StateDraft = draft): Promise<void> {
    snapshotBytes = await writeStateFileDurably(file, snapshot(initial, content, serial));
    snapshotExists = true;
    journalSuspect = false;
    countDurableWrite();
    await journal.remove();
  }

  /** Before the first write: the file on disk must still be the state this store was opened on. */
  async function checkOnDisk(): Promise<void> {
    if (checked) return;
    const onDisk = await readStateFile(file);
    if (onDisk && onDisk.lineage !== initial.lineage) {
      throw new StateFileError(file, `belongs to lineage ${onDisk.lineage}, not ${initial.lineage}; refusing to overwrite another state`);
    }
    if (onDisk && onDisk.serial !== initial.serial) {
      throw new StateFileError(file, `changed since it was read (serial ${initial.serial} -> ${onDisk.serial}); refusing to overwrite it`);
    }
    snapshotExists = onDisk !== null;
    await removeStaleTempFiles(file);
    checked = true;
  }

  async function writeOnce(): Promise<void> {
    await checkOnDisk();
    serial += 1;
    // What this write holds, taken now: updates made while it is in flight belong to the next
    // write, so they must not count as written when this one completes.
    const next = new Map(draft.resources);
    const nextOutputs = draft.outputs;
    const set = [...next.values()].filter((resource) => written.get(resource.address) !== resource);
    const removed = [...written.keys()].filter((address) => !next.has(address));
    const outputsChanged = nextOutputs !== writtenOutputs;
    const started = performance.now();
    const full = !snapshotExists || journalSuspect || journal.bytes > Math.max(JOURNAL_COMPACT_MIN_BYTES, snapshotBytes);
    if (full) {
      await writeSnapshot({ resources: next, outputs: nextOutputs });
    } else {
      try {
        await journal.append({ lineage: initial.lineage, serial, set, delete: removed, ...(outputsChanged ? { outputs: nextOutputs } : {}) });
      } catch (error) {
        journalSuspect = true;
        throw error;
      }
      countDurableWrite();
    }
    trace(`state write serial ${serial}: ${full ? "snapshot" : "journal"}, ${set.length} set, ${removed.length} deleted, ${(performance.now() - started).toFixed(1)} ms`);
    written = next;
    writtenOutputs = nextOutputs;
  }

  async function flush(): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        await writeOnce();
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        serial = durableSerial;
        for (const waiter of batch) waiter.reject(error);
      }
    }
    flushing = null;
  }

  return {
    file,
    current: () => snapshot(initial, draft, serial),
    resource: (address) => draft.resources.get(address),
    get writeCount() {
      return writeCount;
    },
    update(mutate) {
      mutate(draft);
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        flushing ??= flush();
      });
    },
    async close() {
      while (flushing) await flushing;
      // Also folds a journal a killed run left, when this run wrote nothing (same serial: no bump).
      const leftover = !checked && (await stat(journalFileOf(file)).then(() => true, () => false));
      if (leftover) await checkOnDisk();
      if (leftover || (checked && journal.bytes > 0)) await writeSnapshot();
    },
  };
}
