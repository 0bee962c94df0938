import { describe, expect, it } from 'vitest';
import { clarifyText } from './clarify.js';
import { createEmbeddedClassifier, descriptionClauses, type RouteCandidate } from './embedded.js';

/** The real HR and Finance cards, read from the services' sources (vitest compiles TS). */
async function loadCards(): Promise<RouteCandidate[]> {
  const load = async (path: string, name: string) => {
    const mod: Record<string, RouteCandidate> = await import(new URL(path, import.meta.url).href);
    const card = mod[name];
    if (!card) throw new Error(`${path} does not export ${name}`);
    return card;
  };
  return [
    await load('../../../services/hr-agent/src/card.ts', 'hrProfile'),
    await load('../../../services/finance-agent/src/card.ts', 'financeProfile'),
  ];
}

const itCard: RouteCandidate = {
  name: 'it',
  description: 'IT helpdesk: laptops, passwords, VPN, printers, software access and accounts.',
  intents: ['hardware', 'password_reset', 'vpn', 'software_access'],
  examples: [
    'my laptop is broken',
    'I forgot my password',
    'reset my password please',
    'the VPN does not connect',
    'I cannot print to the office printer',
    'how do I get access to GitHub?',
    'my screen is flickering',
    'install Docker on my laptop',
    'I need a new keyboard',
    'Slack is not loading',
  ],
};

const cards = await loadCards();

function classifier(candidates: readonly RouteCandidate[] = cards) {
  const c = createEmbeddedClassifier();
  c.update(candidates);
  return c;
}

describe('createEmbeddedClassifier', () => {
  it.each([
    ['how many days of vacation are left for me?', 'hr'],
    ['I would like to book some time off in September', 'hr'],
    ['please cancel my time off on Friday', 'hr'],
    ['I am sick and staying home today', 'hr'],
    ['what is our parental leave policy', 'hr'],
    ['who is my manager', 'hr'],
    ['which days are company holidays in December?', 'hr'],
    ['how much is left in the engineering budget?', 'finance'],
    ['I need to get reimbursed for a client lunch', 'finance'],
    ['what is the status of my expense claim?', 'finance'],
    ['what is the hotel limit in Paris?', 'finance'],
    ['has invoice INV-5555 been paid yet?', 'finance'],
  ])('routes %j to %s', (text, agent) => {
    expect(classifier().classify(text).agent).toBe(agent);
  });

  it.each([
    ['how many vacaton days do I have', 'hr'],
    ['whats the maternaty leave polcy', 'hr'],
    ['submit an expence for my hotle', 'finance'],
    ['status of my reimbursment', 'finance'],
  ])('tolerates typos: %j -> %s', (text, agent) => {
    expect(classifier().classify(text).agent).toBe(agent);
  });

  it('routes a long message by its clearest sentence', () => {
    const text =
      'Hi there. It has been a really busy quarter for the whole team and we finally shipped. ' +
      'I would like to take next Thursday and Friday off as vacation. Thanks a lot!';
    expect(classifier().classify(text).agent).toBe('hr');
  });

  it.each([
    ['out of scope', 'what is the weather in Paris tomorrow?'],
    ['sports', 'who won the football match yesterday'],
    ['emoji only', '🎉🎉🙌'],
    ['punctuation only', '?!...'],
    ['empty', ''],
    ['blank', '   \n\t '],
    ['German', 'Wie viele Urlaubstage habe ich noch?'],
    ['Spanish', '¿Cuántos días de vacaciones me quedan?'],
    ['Chinese', '我想请三天假'],
    ['Russian', 'Какой бюджет у отдела?'],
  ])('answers clarify (null) for %s', (_kind, text) => {
    const result = classifier().classify(text);
    expect(result.agent).toBeNull();
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(1);
  });

  it('never throws on odd input', () => {
    const c = classifier();
    for (const text of [
      'a',
      '\u0000\u0001',
      'x'.repeat(20000),
      '💸 budget 💸',
      'ＢＵＤＧＥＴ',
      "'''",
      '🏖️ pto?',
    ]) {
      expect(() => c.classify(text)).not.toThrow();
    }
  });

  it('is deterministic across calls and instances', () => {
    const texts = ['how much PTO do I have?', 'budget for marketing', 'tell me a joke', 'reimbursment'];
    const a = classifier();
    const b = classifier();
    for (const t of texts) {
      expect(a.classify(t)).toEqual(a.classify(t));
      expect(a.classify(t)).toEqual(b.classify(t));
    }
  });

  it('reports a score per agent in [0, 1] and the best one as score', () => {
    const result = classifier().classify('how much PTO do I have left?');
    expect(Object.keys(result.scores).sort()).toEqual(['finance', 'hr']);
    for (const s of Object.values(result.scores)) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    expect(result.score).toBe(result.scores.hr);
    expect(result.scores.hr).toBeGreaterThan(result.scores.finance!);
  });

  it('routes nothing before update() and with no candidates', () => {
    const c = createEmbeddedClassifier();
    expect(c.classify('how much PTO do I have?')).toEqual({ agent: null, score: 0, scores: {} });
    c.update([]);
    expect(c.classify('how much PTO do I have?').agent).toBeNull();
  });

  it('update() with a third agent type routes to it, and removing it stops that', () => {
    const c = classifier();
    expect(c.classify('my laptop screen is broken').agent).toBeNull();
    c.update([...cards, itCard]);
    expect(c.classify('my laptop screen is broken').agent).toBe('it');
    expect(c.classify('I forgot my password again').agent).toBe('it');
    expect(c.classify('how many vacation days do I have?').agent).toBe('hr');
    expect(c.classify('how do I submit an expense?').agent).toBe('finance');
    c.update(cards);
    expect(c.classify('my laptop screen is broken').agent).toBeNull();
  });

  it('respects the threshold option', () => {
    const strict = createEmbeddedClassifier({ threshold: 1.01 });
    strict.update(cards);
    expect(strict.classify('how many vacation days do I have?').agent).toBeNull();
  });
});

describe('descriptionClauses', () => {
  it('splits at top-level separators and keeps parenthesised lists whole', () => {
    expect(descriptionClauses('Finance: budgets (spent, remaining), expenses, and invoices.')).toEqual([
      'Finance',
      'budgets (spent, remaining)',
      'expenses',
      'invoices.',
    ]);
  });
});

describe('clarifyText', () => {
  it('names every agent with what it does and two example questions', () => {
    const text = clarifyText(cards);
    for (const card of cards) {
      expect(text).toContain(`${card.name}:`);
      expect(text).toContain(card.description);
      expect(text).toContain(`"${card.examples[0]}"`);
    }
    const quoted = text.match(/"[^"]+"/g) ?? [];
    expect(quoted).toHaveLength(4);
  });

  it('says so when there is no agent at all', () => {
    expect(clarifyText([])).toMatch(/no assistant is available/i);
  });
});
