import type { StateFile, StateResource } from "../types.js";
import { StateFileError, readStateFile, writeStateFileDurably } from "./state-file.js";

/** The mutable working copy a state update edits; resources keyed by address. */
export interface StateDraft {
  readonly resources: Map<string, StateResource>;
  outputs: Record<string, { value: unknown; sensitive: boolean }>;
}

/**
 * The state of one run, written through one queue: every `update` is applied in order and
 * resolves only once a file containing it is durably on disk. Updates that arrive while a
 * write is in flight are written together by the next one (group commit), so concurrent
 * changes do not wait for one fsync each, and every write bumps `serial` by one.
 */
export interface StateStore {
  readonly file: string;
  /** The latest state including every update accepted so far. */
  current(): StateFile;
  /** One resource of the latest state (cheaper than current() for a lookup). */
  resource(address: string): StateResource | undefined;
  update(mutate: (draft: StateDraft) => void): Promise<void>;
  /** Durable writes so far (drives the KEYFORM_CRASH_AFTER test hook). */
  readonly writeCount: number;
}

/** A test hook: `KEYFORM_CRASH_AFTER=<n>` kills the process with SIGKILL right after the n-th durable state write. */
function crashAfterWrites(): number | undefined {
  const text = process.env.KEYFORM_CRASH_AFTER;
  if (!text) return undefined;
  const count = Number(text);
  return Number.isInteger(count) && count > 0 ? count : undefined;
}

/** Turns a draft back into the file's shape, resources sorted by address for stable diffs. */
function snapshot(base: StateFile, draft: StateDraft, serial: number): StateFile {
  const resources = [...draft.resources.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { ...base, serial, resources, outputs: { ...draft.outputs } };
}

/**
 * Opens a store over `initial` (the state as read under the lock). Before the first write it
 * re-reads the file and refuses (StateFileError) if another lineage has appeared there, so a
 * state of another lineage is never overwritten.
 */
export function createStateStore(file: string, initial: StateFile): StateStore {
  const draft: StateDraft = {
    resources: new Map(initial.resources.map((resource) => [resource.address, resource])),
    outputs: { ...initial.outputs },
  };
  let latest = initial;
  let serial = initial.serial;
  let writeCount = 0;
  let lineageChecked = false;
  const crashAfter = crashAfterWrites();
  let waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        if (!lineageChecked) {
          const onDisk = await readStateFile(file);
          if (onDisk && onDisk.lineage !== initial.lineage) {
            throw new StateFileError(file, `belongs to lineage ${onDisk.lineage}, not ${initial.lineage}; refusing to overwrite another state`);
          }
          lineageChecked = true;
        }
        serial += 1;
        const next = snapshot(initial, draft, serial);
        await writeStateFileDurably(file, next);
        latest = next;
        writeCount += 1;
        if (crashAfter !== undefined && writeCount >= crashAfter) process.kill(process.pid, "SIGKILL");
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    flushing = false;
  }

  return {
    file,
    current: () => snapshot(initial, draft, Math.max(serial, latest.serial)),
    resource: (address) => draft.resources.get(address),
    get writeCount() {
      return writeCount;
    },
    update(mutate) {
      mutate(draft);
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        if (!flushing) void flush();
      });
    },
  };
}
