// A plain NATS client of the A2A binding over NATS (docs/a2a.md), as an agent on another stack
// would write it: JSON-RPC requests on `a2a.<agent>`, headers as the binding says, no SDK.
import { randomUUID } from 'node:crypto';
import { createInbox, type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';

/** One response: its JSON-RPC body and the binding's headers. */
export interface Response {
  body: {
    jsonrpc: string;
    id: unknown;
    result?: Record<string, unknown>;
    error?: { code: number; message: string };
  };
  seq: number;
  final: boolean;
  streamId: string | undefined;
  raw: string;
}

export interface CallOptions {
  user?: string;
  token?: string;
  /** Extra headers (`A2A-Stream-Id`, `A2A-Seq` to resume). */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

function headersOf(opts: CallOptions) {
  const h = natsHeaders();
  h.set('A2A-Version', '1.0');
  if (opts.user) h.set('Switchboard-User', opts.user);
  if (opts.token) h.set('Authorization', `Bearer ${opts.token}`);
  for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
  return h;
}

function toResponse(m: { string(): string; headers?: { get(k: string): string } | undefined }): Response {
  const raw = m.string();
  return {
    body: JSON.parse(raw) as Response['body'],
    seq: Number(m.headers?.get('A2A-Seq') ?? '0'),
    final: m.headers?.get('A2A-Final') === 'true',
    streamId: m.headers?.get('A2A-Stream-Id') || undefined,
    raw,
  };
}

/** A unary call: one request, one response. `payload` a string is sent as is. */
export async function call(
  nc: NatsConnection,
  subject: string,
  payload: unknown,
  opts: CallOptions = {},
): Promise<Response> {
  const data = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const m = await nc.request(subject, data, { timeout: opts.timeoutMs ?? 20_000, headers: headersOf(opts) });
  return toResponse(m);
}

/**
 * A streaming call: responses on an inbox of our own until `A2A-Final`, or until `stopAfter`
 * responses (the connection "drops": the inbox is unsubscribed, later responses are not read).
 */
export async function stream(
  nc: NatsConnection,
  subject: string,
  payload: unknown,
  opts: CallOptions & { stopAfter?: number } = {},
): Promise<Response[]> {
  // The connection's own inbox prefix: on a secure server each identity may read only its own.
  const inbox = createInbox((nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
  const sub = nc.subscribe(inbox);
  const out: Response[] = [];
  const timer = setTimeout(() => sub.unsubscribe(), opts.timeoutMs ?? 20_000);
  nc.publish(subject, JSON.stringify(payload), { reply: inbox, headers: headersOf(opts) });
  for await (const m of sub) {
    const r = toResponse(m);
    out.push(r);
    if (r.final || out.length === opts.stopAfter) break;
  }
  clearTimeout(timer);
  sub.unsubscribe();
  return out;
}

/** A v1.0 `SendMessage` (or `SendStreamingMessage`) request with one text part. */
export function sendRequest(
  text: string,
  extra: { method?: string; contextId?: string; taskId?: string; id?: number } = {},
) {
  return {
    jsonrpc: '2.0',
    id: extra.id ?? 1,
    method: extra.method ?? 'SendMessage',
    params: {
      message: {
        messageId: randomUUID(),
        role: 'ROLE_USER',
        parts: [{ text }],
        ...(extra.contextId ? { contextId: extra.contextId } : {}),
        ...(extra.taskId ? { taskId: extra.taskId } : {}),
      },
    },
  };
}

export function getTaskRequest(id: string) {
  return { jsonrpc: '2.0', id: 2, method: 'GetTask', params: { id } };
}

/** The task of a `SendMessage`/`GetTask` result. */
export interface TaskJson {
  id: string;
  contextId: string;
  status: { state: string; message?: { parts: { text?: string }[] } };
  artifacts?: { parts: { text?: string }[] }[];
  metadata?: { switchboard?: { sessionId?: string; agent?: string; status?: string } };
}

export function taskOf(r: Response): TaskJson {
  const result = r.body.result as { task?: TaskJson } & Partial<TaskJson>;
  if (!result) throw new Error(`no result: ${r.raw}`);
  return (result.task ?? result) as TaskJson;
}
