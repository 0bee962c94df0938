/**
 * Named crash points for the chaos tests of the workflows: with `SWITCHBOARD_FAILPOINTS` set to a
 * comma-separated list of names, the process kills itself (SIGKILL, no drain, no cleanup) the first
 * time it reaches one of them, exactly as a crash or `kill -9` between two steps of a flow would.
 * Unset (always, outside tests), a failpoint is a lookup in an empty set.
 */
const armed = new Set(
  (process.env.SWITCHBOARD_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Kills this process at once if `name` is armed. */
export function failpoint(name: string): void {
  if (!armed.has(name)) return;
  process.stderr.write(`failpoint ${name}: killing process ${process.pid}\n`);
  process.kill(process.pid, 'SIGKILL');
}

/** The failpoints armed in this process (for a log line at start). */
export function armedFailpoints(): readonly string[] {
  return [...armed];
}
