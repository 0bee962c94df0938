// Turns a pino JSON line into one readable line: `hr-agent  INFO  message  key=value ...`.
const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLORS = { router: 36, 'hr-agent': 32, 'finance-agent': 33, gateway: 35 };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'service', 'instance', 'msg']);

export function prettyLine(name, line) {
  const tag = process.stdout.isTTY ? `\x1b[${COLORS[name] ?? 37}m${name.padEnd(13)}\x1b[0m` : name.padEnd(13);
  let rec;
  try {
    rec = JSON.parse(line);
  } catch {
    return `${tag} ${line}`;
  }
  const extras = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' ');
  return `${tag} ${LEVELS[rec.level] ?? rec.level} ${rec.msg ?? ''}${extras ? `  ${extras}` : ''}`;
}
