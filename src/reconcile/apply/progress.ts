import { SingleBar, Presets } from "cli-progress";

/** What the applier reports while it works (addresses and key ids only, never secrets). */
export interface ApplyProgress {
  start(total: number): void;
  /** e.g. ("keyform_api_key.ci", "Creating...") */
  step(address: string, message: string): void;
  /** One change (of `total`) finished, successfully or not. */
  finished(address: string): void;
  stop(): void;
}

/** Plain lines (`keyform_api_key.ci: Creating...`), for CI and other non-terminals. */
export function linesProgress(stream: NodeJS.WritableStream = process.stderr): ApplyProgress {
  return {
    start: () => undefined,
    step: (address, message) => void stream.write(`${address}: ${message}\n`),
    finished: () => undefined,
    stop: () => undefined,
  };
}

/** A progress bar on a terminal (stderr), with the last step as its label. */
export function barProgress(stream: NodeJS.WriteStream = process.stderr): ApplyProgress {
  const bar = new SingleBar(
    { stream, format: "Applying [{bar}] {value}/{total} {last}", hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    Presets.shades_classic,
  );
  let done = 0;
  return {
    start: (total) => bar.start(total, 0, { last: "" }),
    step: (address, message) => bar.update(done, { last: `${address}: ${message}` }),
    finished: () => bar.update(++done),
    stop: () => bar.stop(),
  };
}

/** Nothing at all (library use, benches). */
export const silentProgress: ApplyProgress = { start: () => undefined, step: () => undefined, finished: () => undefined, stop: () => undefined };

/** A bar on a TTY unless CI is set, plain lines otherwise. */
export function progressFor(stream: NodeJS.WriteStream = process.stderr): ApplyProgress {
  return stream.isTTY && !process.env.CI ? barProgress(stream) : linesProgress(stream);
}
