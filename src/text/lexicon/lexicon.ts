/**
 * What the offline engine knows about English words, from WordNet (src/text/lexicon/wordnet-data.ts): enough
 * to tell a harmless change of wording ("team" for "shared", "exports" for "export") from one that
 * changes the fact ("imports" for "exports", "cat" for "dog", "Tuesday" for "Monday", "after" for
 * "before", "yarn" for "pnpm"). Word vectors and sentence embeddings were measured and rejected for this:
 * they score exactly these swaps as the *most* similar (docs/quality.md).
 */

export type Relation = "same" | "synonym" | "antonym" | "co-hyponym" | "unknown" | "compatible";

export interface Lexicon {
  /** Dictionary forms of `word` that WordNet knows ("ships" → ship), empty for names and tools. */
  lemmas(word: string): string[];
  relation(a: string, b: string): Relation;
}

// Opposites among words WordNet does not list (prepositions, quantifiers) or lists without the antonym.
const FUNCTION_OPPOSITES = [
  "before after",
  "above below",
  "over under",
  "in out",
  "inside outside",
  "into out",
  "on off",
  "up down",
  "to from",
  "first last",
  "more less",
  "more fewer",
  "most least",
  "min max",
  "minimum maximum",
  "all none",
  "always sometimes",
  "with without",
  "yes no",
  "true false",
  "prod staging",
  "production staging",
  "dev prod",
  "read write",
  "reads writes",
  "client server",
  "sync async",
  "push pull",
  "upload download",
  "input output",
  "allow deny",
  "allowed denied",
  "earlier later",
  "older newer",
  "old new",
];

const SUFFIXES: [string, string][] = [
  ["'s", ""],
  ["ies", "y"],
  ["ses", "s"],
  ["xes", "x"],
  ["zes", "z"],
  ["ches", "ch"],
  ["shes", "sh"],
  ["men", "man"],
  ["s", ""],
  ["es", "e"],
  ["es", ""],
  ["ed", "e"],
  ["ed", ""],
  ["ing", "e"],
  ["ing", ""],
  ["er", ""],
  ["er", "e"],
  ["est", ""],
  ["est", "e"],
  ["ly", ""],
];

// "unencrypted"/"encrypted", "non-blocking"/"blocking", "insecure"/"secure": a negating prefix. A false
// hit ("inform"/"form") only keeps two entries apart, which is the safe side.
const NEGATING_PREFIX = /^(?:un|non-?|in|im|il|ir|dis|anti-?)(.{4,})$/;
const negatedBy = (word: string, base: string) => NEGATING_PREFIX.exec(word)?.[1] === base;

const pairKey = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);

export function createLexicon(data: { LEMMAS: string; ANTONYMS: string }): Lexicon {
  // Where each lemma's line starts; its synsets are split only when a dream asks about that word.
  const at = new Map<string, number>();
  for (let i = 0; i < data.LEMMAS.length; ) {
    const end = data.LEMMAS.indexOf("\n", i);
    const stop = end === -1 ? data.LEMMAS.length : end;
    at.set(data.LEMMAS.slice(i, data.LEMMAS.indexOf(" ", i)), i);
    i = stop + 1;
  }
  const senses = new Map<string, { own: readonly string[]; up: readonly string[] }>();
  const sensesOf = (lemma: string) => {
    let s = senses.get(lemma);
    if (s) return s;
    const i = at.get(lemma);
    if (i === undefined) return { own: [], up: [] };
    const end = data.LEMMAS.indexOf("\n", i);
    const [, synsets = "", ancestors = ""] = data.LEMMAS.slice(i, end === -1 ? undefined : end).split(" ");
    s = { own: synsets ? synsets.split(",") : [], up: ancestors ? ancestors.split(",") : [] };
    senses.set(lemma, s);
    return s;
  };
  const antonyms = new Set(data.ANTONYMS.split("\n"));
  const opposites = new Set(FUNCTION_OPPOSITES.map((p) => pairKey(...(p.split(" ") as [string, string]))));

  const lemmas = (word: string): string[] => {
    const w = word.toLowerCase().replace(/’/g, "'");
    const out = new Set<string>();
    if (at.has(w)) out.add(w);
    for (const [suffix, replace] of SUFFIXES) {
      if (!w.endsWith(suffix) || w.length <= suffix.length + 2) continue;
      const base = w.slice(0, -suffix.length) + replace;
      if (at.has(base)) out.add(base);
    }
    return [...out];
  };

  const relation = (a: string, b: string): Relation => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    if (x === y) return "same";
    if (opposites.has(pairKey(x, y)) || negatedBy(x, y) || negatedBy(y, x)) return "antonym";
    const la = lemmas(x);
    const lb = lemmas(y);
    if (la.some((l) => lb.includes(l))) return "same";
    if (!la.length || !lb.length) return "unknown";
    for (const p of la)
      for (const q of lb) if (antonyms.has(pairKey(p, q)) || opposites.has(pairKey(p, q))) return "antonym";
    const sa = new Set(la.flatMap((l) => sensesOf(l).own));
    const sb = new Set(lb.flatMap((l) => sensesOf(l).own));
    if ([...sa].some((s) => sb.has(s))) return "synonym";
    const ua = new Set(la.flatMap((l) => sensesOf(l).up));
    const ub = new Set(lb.flatMap((l) => sensesOf(l).up));
    // One a kind of the other ("retriever" under "dog") says the same thing more or less precisely.
    if ([...sa].some((s) => ub.has(s)) || [...sb].some((s) => ua.has(s))) return "compatible";
    // Siblings under a close common parent are alternatives to each other: a different fact.
    if ([...ua].some((s) => ub.has(s))) return "co-hyponym";
    return "compatible";
  };

  return { lemmas, relation };
}

/** Parses the bundled WordNet table; a dynamic import so nothing is loaded until a dream needs it. */
export async function loadLexicon(): Promise<Lexicon> {
  return createLexicon(await import("./wordnet-data.ts"));
}
