import { redactSecrets } from "./redact.js";

/**
 * Tracing switched on per module by `KEYFORM_TRACE=server,store` (or `*`), written to stderr.
 * Callers must never pass a secret or token: log ids and codes only. As a safety net for text
 * the server does not control (a driver's error message), every line goes through
 * redactSecrets; tokens without a recognizable format (admin tokens) are the caller's to
 * redact (createRedactor).
 */
export function traceEnabled(module: string): boolean {
  const setting = process.env.KEYFORM_TRACE;
  if (!setting) return false;
  const modules = setting.split(",").map((name) => name.trim());
  return modules.includes(module) || modules.includes("*") || modules.includes("all");
}

/** Writes one trace line for `module` when its tracing is on. */
export function trace(module: string, message: string): void {
  if (traceEnabled(module)) process.stderr.write(`[keyform:${module}] ${new Date().toISOString()} ${redactSecrets(message)}\n`);
}
