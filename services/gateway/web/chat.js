// The web chat (docs/web-chat.md): asks `POST /v1/ask` with `Accept: text/event-stream`, shows the
// chunks as they come, resumes a dropped stream at `GET /v1/streams/<id>` with `Last-Event-ID`,
// keeps the session for follow-ups (and across a reload of the tab), and polls `GET /v1/status` for
// the status strip. No framework, no build step: this file is served as is. A finished answer's
// Markdown is rendered by markdown.js (DOM nodes only: HTML in an answer stays text); while it
// streams it is plain text.
import { parseMarkdown, renderMarkdown } from './markdown.js';

const STATUS_EVERY_MS = 3000;
/** Resumes of one answer before it is given up (each after a short pause). */
const MAX_RESUMES = 3;
/** Hues of the agents we know; any other agent gets one from its name. */
const HUES = { hr: 205, finance: 140, switchboard: 260 };

const $ = (id) => document.getElementById(id);
const settings = { userId: $('user-id'), apiKey: $('api-key'), token: $('token') };
const state = { sessionId: null, busy: false };

// ---- settings (sessionStorage: this tab only) ----

for (const [key, input] of Object.entries(settings)) {
  input.value = sessionStorage.getItem(`switchboard.${key}`) ?? '';
  input.addEventListener('change', () => {
    sessionStorage.setItem(`switchboard.${key}`, input.value.trim());
    void pollStatus();
  });
}
const setting = (key) => settings[key].value.trim();

/** The caller's headers: the API key and the bearer token, when given. */
function authHeaders(extra = {}) {
  const h = { ...extra };
  if (setting('apiKey')) h['x-api-key'] = setting('apiKey');
  if (setting('token')) h.authorization = `Bearer ${setting('token')}`;
  return h;
}

// ---- agents' colours ----

function hueOf(agent) {
  if (agent in HUES) return HUES[agent];
  let h = 0;
  for (const c of agent) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

/** A pill naming an agent in its colour (set through the CSSOM: the CSP allows no inline style). */
function agentPill(agent, text = agent) {
  const el = document.createElement('span');
  el.className = 'pill agent-name';
  el.dataset.agent = agent;
  el.textContent = text;
  el.style.setProperty('--agent-hue', String(hueOf(agent)));
  return el;
}

// ---- errors ----

/** An error body `{ok: false, error: {code, message}}` of the API, or one made up for a network failure. */
function errorOf(body, fallback) {
  if (body && body.ok === false && body.error && typeof body.error.code === 'string') return body.error;
  return { code: 'network_error', message: fallback };
}

/** The error's message with its field-level details (`[{path, message}]`), when it has them. */
function describe(error) {
  const details = Array.isArray(error.details)
    ? error.details
        .filter((d) => d && typeof d.message === 'string')
        .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))
    : [];
  return details.length > 0 ? `${error.message} (${details.join('; ')})` : error.message;
}

function showError(error) {
  const box = $('error');
  box.replaceChildren();
  const code = document.createElement('code');
  code.textContent = error.code;
  box.append(code, `: ${describe(error)}`);
  box.dataset.code = error.code;
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  delete $('error').dataset.code;
}

async function readErrorBody(res) {
  const text = await res.text().catch(() => '');
  try {
    return errorOf(JSON.parse(text), `HTTP ${res.status}`);
  } catch {
    return errorOf(undefined, `HTTP ${res.status} ${text.slice(0, 200)}`);
  }
}

// ---- the conversation log ----

function addQuestion(text) {
  const li = document.createElement('li');
  li.className = 'question';
  li.textContent = text;
  $('log').append(li);
  li.scrollIntoView({ block: 'end' });
}

/** A new answer bubble, filled as chunks come. */
function addAnswer() {
  const li = document.createElement('li');
  li.className = 'answer pending';
  li.dataset.chunks = '0';
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = 'waiting for an answer…';
  const text = document.createElement('span');
  text.className = 'text';
  li.append(meta, text);
  $('log').append(li);
  return {
    li,
    append(chunk, restart) {
      // `restart`: what was streamed before is void, the answer starts again (docs/streaming.md).
      text.textContent = restart ? chunk : text.textContent + chunk;
      li.dataset.chunks = String(Number(li.dataset.chunks) + 1);
      meta.textContent = 'streaming…';
      li.scrollIntoView({ block: 'end' });
    },
    finish(reply) {
      li.classList.remove('pending');
      if (!reply.ok) {
        li.classList.add('error');
        li.dataset.code = reply.error.code;
        meta.textContent = 'error';
        text.textContent = `${reply.error.code}: ${describe(reply.error)}`;
        return;
      }
      const agent = reply.agent ?? 'switchboard';
      li.dataset.agent = agent;
      li.dataset.status = reply.status;
      meta.replaceChildren(agentPill(agent), ` ${reply.status}`);
      // The reply's text is the whole answer: the chunks joined, or the only text of an unstreamed reply.
      text.replaceChildren(renderMarkdown(document, parseMarkdown(reply.text)));
      text.classList.add('markdown');
      li.scrollIntoView({ block: 'end' });
    },
  };
}

// ---- Server-Sent Events over fetch ----

/** Parses one SSE block (`event:`, `id:`, `data:` lines). */
function parseEvent(block) {
  const ev = { event: 'message', id: undefined, data: '' };
  const data = [];
  for (const line of block.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const field = line.slice(0, i);
    const value = line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') ev.event = value;
    else if (field === 'id') ev.id = value;
    else if (field === 'data') data.push(value);
  }
  ev.data = data.join('\n');
  return ev;
}

/**
 * Reads an SSE response to its end, updating `progress` ({streamId, lastEventId, reply}) and the
 * answer bubble. A dropped connection ends the read early: the caller resumes from `progress`.
 */
async function readEvents(res, progress, answer) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const ev = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        if (ev.event === 'stream') progress.streamId = JSON.parse(ev.data).streamId;
        else if (ev.event === 'chunk') {
          const chunk = JSON.parse(ev.data);
          answer.append(chunk.text, chunk.restart === true);
          progress.lastEventId = ev.id;
        } else if (ev.event === 'reply' || ev.event === 'error') {
          progress.reply = JSON.parse(ev.data);
          return;
        }
      }
    }
  } catch {
    // The connection dropped: what was read stays in `progress`.
  } finally {
    reader.releaseLock();
  }
}

/** Resumes a dropped stream: the chunks after the last one seen, then the reply. */
async function resume(progress, answer) {
  for (let attempt = 1; attempt <= MAX_RESUMES && !progress.reply; attempt++) {
    await new Promise((r) => setTimeout(r, 300 * attempt));
    const headers = authHeaders({ accept: 'text/event-stream' });
    if (progress.lastEventId) headers['last-event-id'] = progress.lastEventId;
    let res;
    try {
      res = await fetch(`/v1/streams/${encodeURIComponent(progress.streamId)}`, { headers });
    } catch {
      continue;
    }
    if (!res.ok) {
      progress.reply = { ok: false, error: await readErrorBody(res) };
      return;
    }
    await readEvents(res, progress, answer);
  }
}

// ---- asking ----

async function ask(text) {
  clearError();
  setBusy(true);
  addQuestion(text);
  const answer = addAnswer();
  const body = { text };
  if (state.sessionId) body.sessionId = state.sessionId;
  if (setting('userId')) body.userId = setting('userId');
  const progress = { streamId: undefined, lastEventId: undefined, reply: undefined };
  try {
    const res = await fetch('/v1/ask', {
      method: 'POST',
      headers: authHeaders({ 'content-type': 'application/json', accept: 'text/event-stream' }),
      body: JSON.stringify(body),
    });
    if (!res.ok || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
      progress.reply = res.ok ? await res.json() : { ok: false, error: await readErrorBody(res) };
    } else {
      await readEvents(res, progress, answer);
      if (!progress.reply && progress.streamId) await resume(progress, answer);
    }
  } catch (err) {
    progress.reply = { ok: false, error: errorOf(undefined, `the gateway did not answer (${err})`) };
  }
  const reply = progress.reply ?? {
    ok: false,
    error: errorOf(undefined, 'the answer stream ended without a reply'),
  };
  answer.finish(reply);
  if (reply.ok) keepSession(reply);
  else showError(reply.error);
  setBusy(false);
}

/** The open session's id, kept for this tab so a reload picks the conversation up again. */
const SESSION_KEY = 'switchboard.sessionId';

/** Follow-ups carry the reply's session; an `ended` reply closes it. */
function keepSession(reply) {
  if (reply.status === 'ended') {
    state.sessionId = null;
    sessionStorage.removeItem(SESSION_KEY);
    $('session').textContent = `Session ${reply.sessionId} ended`;
  } else {
    state.sessionId = reply.sessionId;
    sessionStorage.setItem(SESSION_KEY, reply.sessionId);
    $('session').replaceChildren(
      `Session ${reply.sessionId}`,
      ...(reply.agent ? [' with ', agentPill(reply.agent)] : []),
    );
  }
  $('session').dataset.sessionId = state.sessionId ?? '';
}

/**
 * After a reload: the kept session's turns from `GET /v1/sessions/<id>`, shown as they were, and
 * follow-ups continue it. A session that is gone, ended or not readable any more is forgotten.
 */
async function restoreSession() {
  const id = sessionStorage.getItem(SESSION_KEY);
  if (!id) return;
  let view;
  try {
    const res = await fetch(`/v1/sessions/${encodeURIComponent(id)}`, { headers: authHeaders() });
    view = res.ok ? await res.json() : undefined;
  } catch {
    return; // the gateway is unreachable now: keep the id, a later reload tries again
  }
  const open = view?.status === 'open';
  if (!open) sessionStorage.removeItem(SESSION_KEY);
  // Not when the user already started something else while the session was being read.
  if (!open || state.sessionId || $('log').children.length > 0) return;
  for (const turn of view.turns) {
    if (turn.role === 'user') {
      addQuestion(turn.text);
      continue;
    }
    const answer = addAnswer();
    answer.li.dataset.restored = 'true';
    answer.finish({
      ok: true,
      status: 'answered',
      sessionId: view.sessionId,
      agent: view.agent,
      text: turn.text,
    });
  }
  keepSession({ status: 'open', sessionId: view.sessionId, agent: view.agent });
  setBusy(state.busy);
}

function setBusy(busy) {
  state.busy = busy;
  $('send').disabled = busy;
  $('end-session').disabled = busy || !state.sessionId;
  $('log').setAttribute('aria-busy', String(busy));
}

$('ask-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (state.busy) return;
  const text = $('question').value;
  $('question').value = '';
  void ask(text);
});
$('question').addEventListener('keydown', (e) => {
  // Enter sends, Shift+Enter is a new line.
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    $('ask-form').requestSubmit();
  }
});
$('end-session').addEventListener('click', () => {
  if (state.sessionId && !state.busy) void ask('END');
});

// ---- the status strip ----

function renderStatus(status) {
  const gw = $('status-gateway');
  gw.textContent = status.gateway.ready ? 'gateway ready' : 'gateway not ready';
  gw.title = '';
  gw.className = `pill ${status.gateway.ready ? 'ok' : 'bad'}`;
  $('status-agents').replaceChildren(
    ...status.agents.map((a) => {
      const pill = agentPill(a.agent, `${a.agent}: ${a.alive} alive`);
      pill.dataset.alive = String(a.alive);
      if (a.alive === 0) pill.classList.add('bad');
      return pill;
    }),
  );
  const br = $('status-breakers');
  br.textContent = `breakers open: ${status.breakersOpen}`;
  br.dataset.open = String(status.breakersOpen);
  br.className = `pill ${status.breakersOpen > 0 ? 'bad' : 'ok'}`;
  br.hidden = false;
}

function renderStatusError(error) {
  const gw = $('status-gateway');
  gw.textContent = `status unavailable: ${error.code}`;
  gw.title = error.message;
  gw.className = 'pill bad';
}

async function pollStatus() {
  let res;
  try {
    res = await fetch('/v1/status', { headers: authHeaders() });
  } catch (err) {
    return renderStatusError(errorOf(undefined, String(err)));
  }
  if (!res.ok) return renderStatusError(await readErrorBody(res));
  renderStatus(await res.json());
  $('status').dataset.updated = String(Date.now());
}

void restoreSession();
void pollStatus();
setInterval(() => void pollStatus(), STATUS_EVERY_MS);
