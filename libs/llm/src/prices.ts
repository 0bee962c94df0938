/** What one model costs, US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/**
 * Model id prefix → price; the longest matching prefix wins, `*` prices any other model. Keys are
 * prefixes so that dated ids (`claude-sonnet-4-5-20250929`) match their family.
 */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * Anthropic's list prices (USD per million tokens) at the time of writing; override them with
 * `LLM_PRICES` (see {@link parsePriceTable}). A model not listed is priced as `*`, the most expensive
 * family, so an unknown model never spends more than its budget allows.
 */
export const DefaultPrices: PriceTable = {
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-opus-4-6': { input: 5, output: 25 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-haiku-4': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
  '*': { input: 15, output: 75 },
};

const ENTRY = /^\s*([A-Za-z0-9._*-]{1,100})\s*=\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * The price table: {@link DefaultPrices} with the entries of `spec` added or replaced. `spec` is
 * `LLM_PRICES`: `<model prefix>=<input>/<output>` entries separated by `,`, USD per million tokens,
 * e.g. `claude-sonnet-4=3/15,*=15/75`. Throws on a malformed entry (a config error at start-up).
 */
export function parsePriceTable(spec: string | undefined): PriceTable {
  const table: Record<string, ModelPrice> = { ...DefaultPrices };
  if (!spec?.trim()) return table;
  for (const entry of spec.split(',')) {
    const m = ENTRY.exec(entry);
    if (!m) throw new Error(`LLM_PRICES: "${entry.trim()}" is not <model>=<input>/<output> (USD per MTok)`);
    table[m[1]!] = { input: Number(m[2]), output: Number(m[3]) };
  }
  return table;
}

/** The price of `model` in `table`: its longest matching prefix, else `*`. */
export function priceOf(model: string, table: PriceTable = DefaultPrices): ModelPrice {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (key !== '*' && model.startsWith(key) && (!best || key.length > best.length)) best = key;
  }
  return table[best ?? '*'] ?? DefaultPrices['*']!;
}

/** The usage fields of a Messages API response that cost money. */
export interface Usage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** Input tokens of a usage, cache writes and reads included. */
export function inputTokensOf(usage: Usage): number {
  return (
    (usage.input_tokens ?? 0) +
    (usage.cache_creation_input_tokens ?? 0) +
    (usage.cache_read_input_tokens ?? 0)
  );
}

/** What a usage costs: cache writes at 1.25 times the input price, cache reads at 0.1 times. */
export function costOf(usage: Usage, price: ModelPrice): number {
  const input =
    (usage.input_tokens ?? 0) +
    1.25 * (usage.cache_creation_input_tokens ?? 0) +
    0.1 * (usage.cache_read_input_tokens ?? 0);
  return (input * price.input + (usage.output_tokens ?? 0) * price.output) / 1_000_000;
}
