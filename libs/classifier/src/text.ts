/**
 * Text normalisation for the embedded classifier: Unicode folding, tokenising, stop words,
 * a light suffix stemmer, and the gates that send text the index cannot judge to `clarify`.
 */

/** English function words and chat filler: they carry no routing signal. */
const englishStopWords = new Set(
  (
    'a about above after again am an and any anymore are as at be been before being below between both but by ' +
    'can cant could did didnt do does doesnt doing dont down during each else etc few for from further get gets ' +
    'getting got had has hasnt have havent having he her here hers him his how i id if ill im in into is isnt it ' +
    'its itll ive just know let lets like me mine more most much must my myself need needs no nor not now of ' +
    'ok okay on once only or other our ours out over own please pls plz same shall she should so some still such ' +
    'than thank thanks that thats the their them then there theres these they this those through thx to too ' +
    'under until up us very want wanna was wasnt we were what whats when where which while who whom whos whose why ' +
    'will with wont would you youd your yours yourself hi hello hey also may might tell wants kindly yes yeah'
  ).split(' '),
);

/**
 * Frequent function words of other Latin-script languages (French, Spanish, German, Italian,
 * Portuguese, Dutch) that are not English words. Used only to recognise a request written in
 * another language, which the English-only index cannot judge.
 */
const foreignStopWords = new Set(
  (
    'le les des du est une je mes quel quelle quels combien avec sont pas qui que dans sur il nous vous reste ' +
    'faire aux cette ces leur elle ou el los las del cual cuantos cuantas cuanto tengo mis para por una puedo ' +
    'hay donde como quiero esta estoy mucho muy su sus der das ist ich wie viele habe mein meine noch und nicht ' +
    'de la dias fur wann wo kann ein eine einen wer sind mit von zu bitte ho mio mia della degli sono quanti quanto resta ' +
    'al alla dello quando sera meu minha minhas meus tenho nao voce dos het een ik mijn hoeveel heb nog wat hoe ' +
    'zijn niet'
  ).split(' '),
);

/** Lower-cases, folds accents and compatibility forms (`é` → `e`, full-width → ASCII). */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Words of folded text: runs of ASCII letters and digits; apostrophes join (`don't` → `dont`). */
export function words(folded: string): string[] {
  return folded
    .replace(/['’‘`]s\b/g, '')
    .replace(/['’‘`]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/**
 * A light suffix stemmer: enough to meet `expenses`/`expensed`/`expense`, `policies`/`policy`,
 * `cancelled`/`cancel`, `reimbursement`/`reimburse`. Not Porter; predictable and fast.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /^[0-9]/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  let stripped = false;
  if (w.endsWith('ing') && w.length > 5) {
    w = w.slice(0, -3);
    stripped = true;
  } else if (w.endsWith('ed') && w.length > 4) {
    w = w.slice(0, -2);
    stripped = true;
  } else if (w.endsWith('ment') && w.length > 7) {
    w = w.slice(0, -4);
  }
  if (stripped && /([b-df-hj-np-rtv-z])\1$/.test(w) && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** The words of a text as {@link contentTerms} and {@link gate} see them: folded, then split. */
export function foldedWords(text: string): string[] {
  return words(fold(text));
}

/** The content words of a text, stemmed, in order: stop words and bare numbers dropped. */
export function contentTerms(text: string): string[] {
  return contentTermsOf(foldedWords(text));
}

/** {@link contentTerms} of a text already split by {@link foldedWords}. */
export function contentTermsOf(folded: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of folded) {
    if (englishStopWords.has(w) || /^[0-9]+$/.test(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/** Why a text was not scored: it has no letters, is mostly non-Latin script, or is in another language. */
export type GateReason = 'empty' | 'non_latin' | 'other_language';

/**
 * Returns a reason when the text cannot be judged by an English example index (so the answer is
 * `clarify`), or null when it can be scored.
 */
export function gate(text: string): GateReason | null {
  return gateWords(text, foldedWords(text));
}

/** {@link gate} with the text's {@link foldedWords} already at hand. */
export function gateWords(text: string, folded: readonly string[]): GateReason | null {
  // Plain ASCII text (most requests) needs no Unicode scan: its letters are A–Z and a–z, all Latin.
  if (isAscii(text)) {
    if (!asciiLetter.test(text)) return 'empty';
  } else {
    const letters = text.match(/\p{L}/gu);
    if (!letters || letters.length === 0) return 'empty';
    const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
    if (latin / letters.length < 0.5) return 'non_latin';
  }
  let english = 0;
  let foreign = 0;
  for (const w of folded) {
    if (englishStopWords.has(w)) english++;
    else if (foreignStopWords.has(w)) foreign++;
  }
  if (foreign >= 2 && foreign > english) return 'other_language';
  return null;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

const asciiLetter = /[A-Za-z]/;
