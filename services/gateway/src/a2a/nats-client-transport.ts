import {
  A2A_PROTOCOL_VERSION,
  type AgentCard,
  CancelTaskRequest,
  GetTaskRequest,
  ListTasksRequest,
  ListTasksResponse,
  SendMessageRequest,
  SendMessageResponse,
  type SendMessageResult,
  StreamResponse,
  SubscribeToTaskRequest,
  Task,
} from '@a2a-js/sdk';
import type { Transport, TransportFactory } from '@a2a-js/sdk/client';
import { fromJsonRpcErrorResponse, UnsupportedOperationError } from '@a2a-js/sdk/errors';
import { createInbox, type Msg, type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import { NatsBindingUri } from './cards.js';

/** What the SDK's client passes per call: `serviceParameters` become NATS headers. */
interface Options {
  signal?: AbortSignal;
  serviceParameters?: Record<string, string>;
}

interface RpcResponse {
  jsonrpc: '2.0';
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** The subject of a card's NATS interface URL, `nats://<server>/a2a.<agent>`. */
export function subjectOfUrl(url: string): string {
  const subject = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subject)) throw new TypeError(`no NATS subject in ${url}`);
  return subject;
}

/**
 * The SDK client's transport for Switchboard's A2A binding over NATS (docs/a2a.md): the JSON-RPC
 * requests of the JSON-RPC binding, sent on the interface's subject over a connection of the
 * caller's. Streams read the responses from an inbox up to `A2A-Final`. Push notifications and the
 * extended card are not part of the binding.
 */
export class NatsA2aTransport implements Transport {
  #id = 1;
  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly timeoutMs = 30_000,
  ) {}

  get protocolName(): string {
    return NatsBindingUri;
  }
  get protocolVersion(): string {
    return A2A_PROTOCOL_VERSION;
  }

  #request(method: string, params: unknown) {
    return JSON.stringify({ jsonrpc: '2.0', id: this.#id++, method, params });
  }

  #headers(options: Options | undefined) {
    const h = natsHeaders();
    h.set('A2A-Version', A2A_PROTOCOL_VERSION);
    for (const [k, v] of Object.entries(options?.serviceParameters ?? {})) h.set(k, v);
    return h;
  }

  #result(msg: Pick<Msg, 'json'>): unknown {
    const body = msg.json<RpcResponse>();
    if (body.error) throw fromJsonRpcErrorResponse(body as never);
    return body.result;
  }

  async #call(method: string, params: unknown, options?: Options): Promise<unknown> {
    const msg = await this.nc.request(this.subject, this.#request(method, params), {
      timeout: this.timeoutMs,
      headers: this.#headers(options),
    });
    return this.#result(msg);
  }

  async *#stream(
    method: string,
    params: unknown,
    options?: Options,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    // The connection's own inbox prefix: on a secure server each identity may read only its own.
    const inbox = createInbox((this.nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
    const sub = this.nc.subscribe(inbox);
    const timer = setTimeout(() => sub.unsubscribe(), this.timeoutMs);
    options?.signal?.addEventListener('abort', () => sub.unsubscribe());
    try {
      this.nc.publish(this.subject, this.#request(method, params), {
        reply: inbox,
        headers: this.#headers(options),
      });
      for await (const m of sub) {
        timer.refresh();
        yield StreamResponse.fromJSON(this.#result(m));
        if (m.headers?.get('A2A-Final') === 'true') return;
      }
    } finally {
      clearTimeout(timer);
      sub.unsubscribe();
    }
  }

  async sendMessage(params: SendMessageRequest, options?: Options): Promise<SendMessageResult> {
    const r = SendMessageResponse.fromJSON(
      await this.#call('SendMessage', SendMessageRequest.toJSON(params), options),
    );
    if (!r.payload) throw new Error('Invalid response: missing payload');
    return r.payload.value;
  }
  sendMessageStream(
    params: SendMessageRequest,
    options?: Options,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    return this.#stream('SendStreamingMessage', SendMessageRequest.toJSON(params), options);
  }
  async getTask(params: GetTaskRequest, options?: Options): Promise<Task> {
    return Task.fromJSON(await this.#call('GetTask', GetTaskRequest.toJSON(params), options));
  }
  async cancelTask(params: CancelTaskRequest, options?: Options): Promise<Task> {
    return Task.fromJSON(await this.#call('CancelTask', CancelTaskRequest.toJSON(params), options));
  }
  async listTasks(params: ListTasksRequest, options?: Options): Promise<ListTasksResponse> {
    return ListTasksResponse.fromJSON(
      await this.#call('ListTasks', ListTasksRequest.toJSON(params), options),
    );
  }
  resubscribeTask(
    params: SubscribeToTaskRequest,
    options?: Options,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    return this.#stream('SubscribeToTask', SubscribeToTaskRequest.toJSON(params), options);
  }
  getExtendedAgentCard(): Promise<AgentCard> {
    return Promise.reject(new UnsupportedOperationError('no extended card over NATS'));
  }
  createTaskPushNotificationConfig(): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('no push notifications over NATS'));
  }
  getTaskPushNotificationConfig(): Promise<never> {
    return this.createTaskPushNotificationConfig();
  }
  listTaskPushNotificationConfig(): Promise<never> {
    return this.createTaskPushNotificationConfig();
  }
  deleteTaskPushNotificationConfig(): Promise<never> {
    return this.createTaskPushNotificationConfig();
  }
}

/**
 * Plugs the NATS binding into the SDK's `ClientFactory`:
 * `new ClientFactory({ transports: [new NatsA2aTransportFactory(nc)], preferredTransports: [NatsBindingUri] })`.
 * The card's NATS interface names the subject; the connection is the caller's own.
 */
export class NatsA2aTransportFactory implements TransportFactory {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 30_000,
  ) {}
  get protocolName(): string {
    return NatsBindingUri;
  }
  async create(url: string, _card: AgentCard): Promise<Transport> {
    return new NatsA2aTransport(this.nc, subjectOfUrl(url), this.timeoutMs);
  }
}
