/**
 * Thrown by commands to end the process with a message and an exit code; only the entry
 * point (main.ts) prints it and calls process.exit. The message must never hold a secret.
 */
export class ExitError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "ExitError";
    this.exitCode = exitCode;
  }
}
