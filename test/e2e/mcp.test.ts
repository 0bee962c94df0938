// The agents' tools as an MCP server through the gateway, driven by the official SDK's own client
// (`Client` + `StreamableHTTPClientTransport`) against the real service processes: the tools listed
// from the live agents over NATS, calls forwarded as the caller, typed errors as MCP errors. Open
// mode names the user in `Switchboard-User`; secure mode needs a token and runs as its user.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type DemoTokenFiles, issueDemoTokens } from '@switchboard/runtime';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findSamples, parseMetrics, type Stack, startStack, useStack } from './harness.js';

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

/** An MCP client connected to the gateway's `/mcp` with these request headers. */
async function mcpClient(gatewayUrl: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'switchboard-e2e', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', gatewayUrl), {
    requestInit: { headers },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

/** The text of a tool result's first content block, parsed as JSON. */
function firstJson(result: Awaited<ReturnType<Client['callTool']>>): Record<string, unknown> {
  const content = result.content as { type: string; text?: string }[];
  expect(content[0]?.type).toBe('text');
  return JSON.parse(content[0]!.text!) as Record<string, unknown>;
}

describe('open mode (Switchboard-User names the caller)', () => {
  const stack = useStack(['hr-agent', 'finance-agent', 'gateway']);

  it("lists every live agent's tools as <agent>_<tool>, each with the JSON Schema of its input", async () => {
    const client = await mcpClient(stack.current.gatewayUrl, { 'switchboard-user': 'alice' });
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain('hr_leave_balance');
    expect(names.some((n) => n.startsWith('finance_'))).toBe(true);
    expect(names.every((n) => /^(hr|finance)_[a-z0-9_]+$/.test(n))).toBe(true);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.description?.length ?? 0).toBeGreaterThan(0);
    }
    const balance = tools.find((t) => t.name === 'hr_leave_balance')!;
    expect(Object.keys(balance.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['employee', 'year']),
    );
  });

  it("calls hr_leave_balance as alice and returns her balance, and refuses her carol's", async () => {
    const client = await mcpClient(stack.current.gatewayUrl, { 'switchboard-user': 'alice' });
    const own = await client.callTool({ name: 'hr_leave_balance', arguments: {} });
    expect(own.isError).not.toBe(true);
    const output = firstJson(own);
    expect(output).toMatchObject({ employee: { id: 'alice', name: 'Alice Martin' } });
    expect(typeof (output.vacation as { remaining: unknown }).remaining).toBe('number');
    expect(own.structuredContent).toEqual(output);

    // The tool enforces who may see what, with the caller's user from the gateway.
    const other = await client.callTool({ name: 'hr_leave_balance', arguments: { employee: 'carol' } });
    expect(other.isError).toBe(true);
    // (the HR tools' own refusal: `unauthorized` with the reason `not_permitted`)
    expect(firstJson(other)).toMatchObject({
      code: 'unauthorized',
      details: { reason: 'not_permitted', employee: 'carol' },
    });
  });

  it('answers invalid arguments with an MCP error result naming the problem', async () => {
    const client = await mcpClient(stack.current.gatewayUrl, { 'switchboard-user': 'alice' });
    const r = await client.callTool({ name: 'hr_leave_balance', arguments: { year: 'next one' } });
    expect(r.isError).toBe(true);
    const error = firstJson(r);
    expect(error).toMatchObject({ code: 'invalid_request', message: 'invalid input for leave_balance' });
    expect(JSON.stringify(error.details)).toContain('year');
  });

  it('refuses an unknown tool with an MCP protocol error', async () => {
    const client = await mcpClient(stack.current.gatewayUrl, { 'switchboard-user': 'alice' });
    // An agent's prefix with a tool it does not have, and a name no agent's prefix fits.
    await expect(client.callTool({ name: 'hr_no_such_tool', arguments: {} })).rejects.toThrow(
      /unknown tool: hr_no_such_tool/,
    );
    await expect(client.callTool({ name: 'payroll_run', arguments: {} })).rejects.toThrow(
      /unknown tool: payroll_run/,
    );
  });

  it('answers GET and DELETE /mcp with 405 (stateless), and counts POST /mcp in the request metrics', async () => {
    const url = `${stack.current.gatewayUrl}/mcp`;
    for (const method of ['GET', 'DELETE']) {
      const r = await fetch(url, { method, headers: { accept: 'text/event-stream' } });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('POST');
    }
    const client = await mcpClient(stack.current.gatewayUrl, { 'switchboard-user': 'bob' });
    await client.callTool({ name: 'hr_leave_balance', arguments: {} });
    const gw = parseMetrics(await (await fetch(`${stack.current.gatewayUrl}/metrics`)).text());
    const ok = findSamples(gw.samples, 'switchboard_requests_total', {
      endpoint: 'POST /mcp',
      outcome: 'ok',
    });
    expect(ok[0]?.value ?? 0).toBeGreaterThanOrEqual(1);
    const hr = parseMetrics(await (await fetch(`${stack.current.get('hr-agent').baseUrl}/metrics`)).text());
    const served = findSamples(hr.samples, 'switchboard_requests_total', {
      endpoint: 'agents.hr.tools',
      outcome: 'ok',
    });
    expect(served[0]?.value ?? 0).toBeGreaterThanOrEqual(1);
  });
});

describe('secure mode (a token is required)', () => {
  let dir: string;
  let files: DemoTokenFiles;
  let secure: Stack | undefined;
  const token: Record<string, string> = {};
  const stack = {
    get current(): Stack {
      if (!secure) throw new Error('the stack is not running');
      return secure;
    },
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-mcp-'));
    files = await issueDemoTokens(dir);
    for (const [user, file] of Object.entries(files.tokenFiles))
      token[user] = (await readFile(file, 'utf8')).trim();
    // The services get the token public key: every call needs a demo token.
    secure = await startStack(['hr-agent', 'gateway'], { env: files.env });
  }, 90_000);
  afterAll(async () => {
    await secure?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      if (secure) process.stderr.write(`\n${secure.diagnostics()}\n`);
    });
  });

  it('refuses a caller without a token with 401 before any MCP message is read', async () => {
    const r = await fetch(`${stack.current.gatewayUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    await expect(mcpClient(stack.current.gatewayUrl, {})).rejects.toThrow(/401|unauthorized/i);
  });

  it("runs a tool as the token's user, and refuses a Switchboard-User that is not the token's", async () => {
    const client = await mcpClient(stack.current.gatewayUrl, { authorization: `Bearer ${token.alice}` });
    const r = await client.callTool({ name: 'hr_leave_balance', arguments: {} });
    expect(firstJson(r)).toMatchObject({ employee: { id: 'alice' } });
    const posing = await fetch(`${stack.current.gatewayUrl}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token.alice}`,
        'switchboard-user': 'bob',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(posing.status).toBe(403);
  });
});
