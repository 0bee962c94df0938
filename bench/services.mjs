// Processes the bench starts: spawn by PID, wait for readiness, read RSS and CPU time from /proc,
// and stop every one of them (SIGTERM, then SIGKILL) also on failure and on Ctrl-C.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { serviceNodeOptions } from '../scripts/lib/node-options.mjs';

export const root = join(import.meta.dirname, '..');

/** Every process started here and not yet seen to exit. */
const live = new Set();

/** The last lines of a log file, for error messages. */
export function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts `node <script>` with `env` added to this process's environment; its output goes to
 * `<logDir>/<name>.log` so reading it costs the bench nothing. `nodeArgs` go before the script.
 */
export function spawnNode(name, script, { env = {}, logDir, nodeArgs = [], args = [] }) {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
    // Own process group: a terminal's Ctrl-C reaches the bench, which stops the children in order.
    detached: true,
  });
  closeSync(fd);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const proc = { name, pid: child.pid, child, startedAt, logFile, exited };
  live.add(proc);
  void exited.then(() => live.delete(proc));
  return proc;
}

/**
 * Starts a built service, `services/<service>/dist/main.js`, with the heap limits `npm start` gives
 * it (NODE_OPTIONS, scripts/lib/node-options.mjs; the bench's own NODE_OPTIONS come after them).
 */
export function spawnService(name, service, opts) {
  const env = {
    ...opts.env,
    NODE_OPTIONS: serviceNodeOptions(opts.env?.NODE_OPTIONS ?? process.env.NODE_OPTIONS),
  };
  return spawnNode(name, join(root, 'services', service, 'dist', 'main.js'), { ...opts, env });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
  });
}

/** Polls `http://127.0.0.1:<port>/readyz` until 200; sets and returns `proc.readyMs` (from spawn). */
export async function waitReady(proc, port, timeoutMs = 20_000) {
  const until = proc.startedAt + timeoutMs;
  let exitedWith;
  void proc.exited.then((c) => {
    exitedWith = c;
  });
  while (performance.now() < until) {
    if (exitedWith !== undefined) break;
    if ((await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200) {
      proc.readyMs = performance.now() - proc.startedAt;
      return proc.readyMs;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(
    `${proc.name} not ready within ${timeoutMs} ms (exit: ${exitedWith ?? 'still running'}):\n${tail(proc.logFile)}`,
  );
}

/** Resolves when the process prints `line` to its log (used by the baseline's children). */
export async function waitForLine(proc, line, timeoutMs = 15_000) {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (tail(proc.logFile, 200).includes(line)) {
      proc.readyMs = performance.now() - proc.startedAt;
      return;
    }
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${proc.name} did not print "${line}":\n${tail(proc.logFile)}`);
}

/** VmRSS and VmHWM (peak) of a process in MB, from /proc/<pid>/status. */
export function memoryMB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
  return { rss: round1(kb('VmRSS') / 1024), hwm: round1(kb('VmHWM') / 1024) };
}

/** User + system CPU time of a process in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const round1 = (x) => Math.round(x * 10) / 10;

/** Stops one process: SIGTERM (a service drains), SIGKILL after `graceMs`. */
export async function stop(proc, graceMs = 8000) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const force = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  proc.child.kill('SIGTERM');
  await proc.exited;
  clearTimeout(force);
}

/** Stops every process started here and still running, all at once. */
export async function stopAll(graceMs) {
  await Promise.all([...live].map((p) => stop(p, graceMs)));
}

// Last resort when the bench dies some other way: the children are in their own process groups.
process.on('exit', () => {
  for (const p of live) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
});
