// The chat's `/agents` over HTTP: the gateway's `GET /v1/status` (`GatewayStatus` of
// libs/contracts/src/status.ts) as lines for a terminal: each agent type with its live instance
// count, the age of the freshest heartbeat, and every circuit breaker that is not closed.

/** `1.2 s`, `850 ms`, `3 min`. */
export function formatAge(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

const breakerStyle = { open: 'red', half_open: 'yellow', closed: 'green' };

/** `nats open`, coloured by state; `where` names the instance when there are several. */
function breakerText(paint, b, where) {
  return paint(breakerStyle[b.state] ?? 'red', `${b.target} ${b.state.replace('_', '-')}${where}`);
}

/**
 * The lines of `/agents` for one status body. `paint(style, text)` colours (or not, off a
 * terminal); `label(agent)` is the agent's name in its colour.
 */
export function statusLines(status, paint, label) {
  const lines = [];
  const gatewayOpen = status.gateway.breakers.filter((b) => b.state !== 'closed');
  const ready = status.gateway.ready ? paint('green', 'ready') : paint('red', 'not ready');
  const gwBreakers = gatewayOpen.map((b) => breakerText(paint, b, '')).join(', ');
  lines.push(`gateway: ${ready}${gwBreakers ? `  breaker ${gwBreakers}` : ''}`);
  if (status.agents.length === 0) lines.push('no agents registered');
  for (const a of status.agents) {
    const count = paint(a.alive > 0 ? 'green' : 'red', `${a.alive} alive`);
    const ages = a.instances.map((i) => i.heartbeatAgeMs);
    const age = ages.length > 0 ? paint('gray', `  heartbeat ${formatAge(Math.min(...ages))} ago`) : '';
    const open = a.instances.flatMap((i) =>
      i.breakers
        .filter((b) => b.state !== 'closed')
        .map((b) => breakerText(paint, b, a.instances.length > 1 ? ` (${i.instanceId})` : '')),
    );
    lines.push(`  ${label(a.agent)}  ${count}${age}${open.length > 0 ? `  breaker ${open.join(', ')}` : ''}`);
  }
  const total = status.breakersOpen;
  lines.push(paint(total > 0 ? 'red' : 'gray', `breakers not closed: ${total}`));
  return lines;
}
