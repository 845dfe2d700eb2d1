/**
 * Per-module tracing to stderr, switched on by `KEYFORM_TRACE=<module,...>` (or `all`), in the
 * spirit of GRPC_TRACE. Callers pass only safe text: method names, codes, durations; never
 * metadata values, tokens or secrets.
 */
export type Tracer = (message: string) => void;

/** True when `module` is named in KEYFORM_TRACE (comma-separated) or KEYFORM_TRACE=all. */
export function traceEnabled(module: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const setting = env.KEYFORM_TRACE;
  if (!setting) return false;
  const modules = setting.split(",").map((name) => name.trim());
  return modules.includes(module) || modules.includes("all") || modules.includes("*");
}

/** A tracer for `module`, or a no-op when tracing of that module is off (decided once). */
export function createTracer(module: string, env: NodeJS.ProcessEnv = process.env): Tracer {
  if (!traceEnabled(module, env)) return () => {};
  return (message) => {
    process.stderr.write(`[keyform:${module}] ${new Date().toISOString()} ${message}\n`);
  };
}
