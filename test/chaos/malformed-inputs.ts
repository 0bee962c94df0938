// Seeded generators of malformed asks and tasks for the malformed-input chaos test. The same seed
// gives the same inputs on every run. Each input names its category; those that a receiver may
// legitimately take as plain text over NATS say so (`textOverNats`).
import { decodeAskRequest, Task } from '@switchboard/contracts';

export const categories = [
  'random_bytes',
  'truncated_json',
  'wrong_types',
  'huge',
  'unsafe_session',
  'unknown_fields',
  'invalid_utf8',
] as const;
export type Category = (typeof categories)[number];

/** One malformed input. */
export interface Malformed {
  category: Category;
  /** What exactly, for a failure message. */
  variant: string;
  data: Uint8Array;
  /** HTTP content type (gateway only). */
  contentType: string;
  /**
   * True when the payload may be valid *text* over NATS (a non-JSON payload is the request's
   * text): a NATS receiver may answer it instead of refusing it.
   */
  textOverNats: boolean;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** Just under the 1 MB NATS max payload, leaving room for headers. */
export const NEAR_MAX_PAYLOAD = 1024 * 1024 - 16 * 1024;

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const int = (rnd: Rnd, min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));

function concat(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * True when NATS receivers take `data` as a valid request *text* (mirrors `decodeAskRequest` with
 * `plainText`): at most 32 KiB of UTF-8 that is not JSON, 1 to 4000 characters once trimmed.
 */
export function validTextOverNats(data: Uint8Array): boolean {
  if (data.byteLength > 32 * 1024) return false;
  let raw: string;
  try {
    raw = dec.decode(data);
  } catch {
    return false;
  }
  const t = raw.trim();
  if (t.startsWith('{') || t.startsWith('[') || t.startsWith('"')) {
    try {
      JSON.parse(raw);
      return false;
    } catch {
      // not JSON: taken as text
    }
  }
  return t.length >= 1 && t.length <= 4000;
}

/** True when `data` is a valid JSON ask, limits included (a generator bug: not malformed). */
function validJsonAsk(data: Uint8Array): boolean {
  try {
    decodeAskRequest(data, { plainText: false });
    return true;
  } catch {
    return false;
  }
}

/** True when `data` is JSON that a contract accepts (a generator bug: the input is not malformed). */
function validAs(schema: { safeParse(v: unknown): { success: boolean } }, data: Uint8Array): boolean {
  try {
    return schema.safeParse(JSON.parse(dec.decode(data))).success;
  } catch {
    return false;
  }
}

const INVALID_UTF8: number[][] = [
  [0xc3, 0x28], // bad continuation
  [0xff], // never valid
  [0xfe, 0xfe],
  [0xc0, 0xaf], // overlong '/'
  [0xed, 0xa0, 0x80], // UTF-16 surrogate
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xe2, 0x82], // truncated sequence
];

const UNSAFE_SESSION_IDS = [
  'a.b',
  '*',
  '>',
  'a.>',
  'a b',
  'tasks.hr',
  '_INBOX.>',
  '$JS.API.STREAM.DELETE.AGENT_TASKS',
  '../../etc/passwd',
  'x'.repeat(65),
  '',
  'a\tb',
  'a\u0000b',
  'a\r\nPUB tasks.hr 2\r\nhi',
  'ünïcødé',
  '🙂',
  'sess%2Eion',
];

const ASK_TEMPLATES = [
  { text: 'how many vacation days do I have?', userId: 'alice' },
  { text: 'what is the remaining budget of engineering?', userId: 'carol' },
  { text: 'I want to book vacation next week', userId: 'alice', sessionId: 'abcDEF123' },
];

/** A malformed ask (for `agents.ask`, `agents.<agent>.ask` and `POST /v1/ask`). */
export function malformedAsk(rnd: Rnd, category: Category = pick(rnd, categories)): Malformed {
  const json = (v: unknown, variant: string): Omit<Malformed, 'category'> => ({
    variant,
    data: enc.encode(typeof v === 'string' ? v : JSON.stringify(v)),
    contentType: 'application/json',
    textOverNats: false,
  });
  let m: Omit<Malformed, 'category'>;
  switch (category) {
    case 'random_bytes': {
      const data = new Uint8Array(int(rnd, 1, 600));
      for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
      m = {
        variant: `${data.length} random bytes`,
        data,
        contentType: pick(rnd, ['application/json', 'application/octet-stream', 'text/plain']),
        textOverNats: false,
      };
      break;
    }
    case 'truncated_json': {
      const full = JSON.stringify(pick(rnd, ASK_TEMPLATES));
      const cut = int(rnd, 1, full.length - 1);
      m = json(full.slice(0, cut), `cut at ${cut}/${full.length}`);
      break;
    }
    case 'wrong_types': {
      const deep = int(rnd, 50, 3000);
      const variants: [string, unknown][] = [
        ['text number', { text: 5 }],
        ['text null', { text: null }],
        ['text boolean', { text: true }],
        ['text array', { text: ['how many vacation days do I have?'] }],
        ['text object', { text: { value: 'hi' } }],
        ['sessionId number', { text: 'hi', sessionId: 12345 }],
        ['userId object', { text: 'hi', userId: { name: 'alice' } }],
        ['userId boolean', { text: 'hi', userId: false }],
        ['no text', { userId: 'alice' }],
        ['empty object', {}],
        ['array', [{ text: 'hi' }]],
        ['number', 42],
        ['null', null],
        ['JSON string', 'how many vacation days do I have?'],
        ['JSON true', true],
        ['text empty', { text: '' }],
        ['text blank', { text: ' \n\t ' }],
        [`nested ${deep} deep`, `{"text":${'['.repeat(deep)}${']'.repeat(deep)}}`],
      ];
      const [variant, value] = pick(rnd, variants);
      m = json(
        typeof value === 'string' && variant.startsWith('nested') ? value : JSON.stringify(value),
        variant,
      );
      break;
    }
    case 'huge': {
      const variant = pick(rnd, [
        'text over 4000 chars',
        'text over 32 KiB',
        'padding near 1 MB',
        'plain near 1 MB',
      ]);
      if (variant === 'text over 4000 chars') {
        m = json({ text: `vacation ${'a'.repeat(int(rnd, 4001, 30_000))}` }, variant);
      } else if (variant === 'text over 32 KiB') {
        m = json({ text: 'b'.repeat(int(rnd, 33 * 1024, 200 * 1024)) }, variant);
      } else if (variant === 'padding near 1 MB') {
        const size = NEAR_MAX_PAYLOAD - int(rnd, 0, 4096);
        m = json({ text: 'hi', pad: 'p'.repeat(size - 30) }, variant);
      } else {
        const data = enc.encode('how many vacation days '.padEnd(NEAR_MAX_PAYLOAD - int(rnd, 0, 4096), 'z'));
        m = { variant, data, contentType: 'text/plain', textOverNats: false };
      }
      break;
    }
    case 'unsafe_session': {
      const sessionId = pick(rnd, UNSAFE_SESSION_IDS);
      m = json(
        { text: 'how many vacation days do I have?', sessionId },
        `sessionId ${JSON.stringify(sessionId)}`,
      );
      break;
    }
    case 'unknown_fields': {
      const variants: [string, string][] = [
        ['color', '{"text":"how many vacation days do I have?","color":"blue"}'],
        ['__proto__', '{"text":"hi","__proto__":{"admin":true}}'],
        ['constructor', '{"text":"hi","constructor":{"prototype":{"x":1}}}'],
        ['agent', '{"text":"what is my budget","agent":"finance"}'],
        ['role', '{"text":"hi","userId":"alice","role":"admin"}'],
        ['nested extra', '{"text":"hi","meta":{"a":[1,2,3]}}'],
        ['duplicate text key', '{"text":"hi","text":"again","x":1}'],
      ];
      const [variant, body] = pick(rnd, variants);
      m = json(body, variant);
      break;
    }
    case 'invalid_utf8': {
      const bad = pick(rnd, INVALID_UTF8);
      const inJson = rnd() < 0.6;
      m = {
        variant: `${inJson ? 'in JSON text' : 'plain'}: ${bad.map((b) => b.toString(16)).join(' ')}`,
        data: inJson ? concat('{"text":"vacation ', bad, ' days"}') : concat('vacation ', bad, ' days'),
        contentType: 'application/json',
        textOverNats: false,
      };
      break;
    }
  }
  const out: Malformed = { category, ...m };
  out.textOverNats = validTextOverNats(out.data);
  if (validJsonAsk(out.data)) throw new Error(`generated a valid ask: ${out.variant}`);
  return out;
}

function validTask(rnd: Rnd): Record<string, unknown> {
  const id = `mal${Math.floor(rnd() * 1e9)}`;
  return {
    taskId: id,
    requestId: id,
    sessionId: `s${id}`,
    agent: 'hr',
    text: 'how many vacation days do I have?',
    userId: 'alice',
    newSession: true,
    createdAt: '2026-01-05T09:00:00.000Z',
  };
}

/** A malformed task for `tasks.hr`; the worker must refuse it and dead-letter it. */
export function malformedTask(rnd: Rnd, category: Category = pick(rnd, categories)): Malformed {
  const json = (v: unknown, variant: string) => ({
    variant,
    data: enc.encode(typeof v === 'string' ? v : JSON.stringify(v)),
    contentType: 'application/json',
    textOverNats: false,
  });
  const base = validTask(rnd);
  let m: Omit<Malformed, 'category'>;
  switch (category) {
    case 'random_bytes':
      m = { ...malformedAsk(rnd, category), textOverNats: false };
      break;
    case 'invalid_utf8': {
      const bad = pick(rnd, INVALID_UTF8);
      const [before, after] = JSON.stringify({ ...base, text: 'vacation @@BAD@@ days' }).split('@@BAD@@') as [
        string,
        string,
      ];
      m = {
        variant: `task text with ${bad.map((b) => b.toString(16)).join(' ')}`,
        data: concat(before, bad, after),
        contentType: 'application/json',
        textOverNats: false,
      };
      break;
    }
    case 'truncated_json': {
      const full = JSON.stringify(base);
      const cut = int(rnd, 1, full.length - 1);
      m = json(full.slice(0, cut), `cut at ${cut}/${full.length}`);
      break;
    }
    case 'wrong_types': {
      const variants: [string, Record<string, unknown>][] = [
        ['taskId number', { ...base, taskId: 5 }],
        ['newSession string', { ...base, newSession: 'yes' }],
        ['createdAt not a date', { ...base, createdAt: 'yesterday' }],
        ['text empty', { ...base, text: '' }],
        ['agent invalid', { ...base, agent: 'HR!' }],
        ['agent other', { ...base, agent: 'finance' }],
        ['missing sessionId', (({ sessionId: _s, ...rest }) => rest)(base)],
        ['userId array', { ...base, userId: ['alice'] }],
      ];
      const [variant, value] = pick(rnd, variants);
      m = json(value, variant);
      break;
    }
    case 'huge': {
      if (rnd() < 0.5) {
        // Under the stream's 64 KiB limit: stored, then refused by the worker.
        m = json({ ...base, pad: 'p'.repeat(int(rnd, 33 * 1024, 60 * 1024)) }, 'padded task under 64 KiB');
      } else {
        // Over the stream's limit: the stream refuses it, nothing to answer.
        m = json({ ...base, pad: 'p'.repeat(NEAR_MAX_PAYLOAD - 4096) }, 'task near 1 MB');
      }
      break;
    }
    case 'unsafe_session': {
      const sessionId = pick(rnd, UNSAFE_SESSION_IDS);
      m = json({ ...base, sessionId }, `sessionId ${JSON.stringify(sessionId)}`);
      break;
    }
    case 'unknown_fields': {
      m = json({ ...base, [pick(rnd, ['color', 'replyTo', 'admin', 'priority'])]: 'x' }, 'unknown field');
      break;
    }
  }
  const out: Malformed = { category, ...m };
  // A task for another agent has a valid shape; the hr worker refuses it for its `agent`.
  if (out.variant !== 'agent other' && validAs(Task, out.data)) {
    throw new Error(`generated a valid task: ${out.variant}`);
  }
  return out;
}
