/**
 * Near-duplicate machinery for the offline engine: content-word sets, Jaccard, MinHash signatures with
 * LSH banding (candidate pairs in sub-quadratic time), and the guard that refuses to merge entries whose
 * numbers, ids, versions, dates, paths, code or negations differ.
 */

import type { Lexicon } from "./lexicon/lexicon.ts";

const STOPWORDS = new Set(
  "a an the and or but of to in on at for with by from as is are was were be been it its this that these those we i you he she they our your their my me us do does did has have had will would should can could may might just also then than so very into over about after before up out if when which who what there here via per".split(
    " ",
  ),
);

/** Lowercased content words (stopwords and punctuation dropped, identifiers kept whole). */
export function contentWords(text: string): string[] {
  return (
    text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}_.\-/#@]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu) ?? []
  ).filter((w) => !STOPWORDS.has(w));
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Share of `small` found in `big`. */
export function containment(small: ReadonlySet<string>, big: ReadonlySet<string>): number {
  if (small.size === 0) return 0;
  let inter = 0;
  for (const x of small) if (big.has(x)) inter++;
  return inter / small.size;
}

const NEGATION = /\b(not|never|no|don't|dont|doesn't|isn't|aren't|won't|can't|cannot|without|avoid|stop)\b/gi;
const HARD = [
  /`[^`]+`/g, // code
  /\b\d{4}-\d{2}-\d{2}\b/g, // dates
  /\bv?\d+(?:[.:/-]\d+)*[a-z%]*\b/gi, // numbers, versions, times, sizes
  /\b[A-Z][A-Z0-9]*[-_][A-Z0-9_-]*\b|\b[A-Z]{2,}\d+\b/g, // ids, env vars (BILL-482, GITHUB_TOKEN)
  // Lookbehinds start each name at its first character: a long run is scanned once, not from every position.
  /(?<![\w.-])[\w.-]*\/[\w./-]+|\b(?<![\w-])[\w-]+\.(?:md|ts|js|mjs|py|go|rs|json|ya?ml|toml|sql|txt|sh|env)\b/gi, // paths
  /#[\w-]+|@[\w.-]+/g, // channels, handles
  /(?<![\p{L}\p{N}_-])[\p{L}\p{N}]+(?:[-_][\p{L}\p{N}]+)+/gu, // kebab/snake names: billing-api, eu-west-1, invoice_render
  /(?<=[\p{Ll}\p{N},;:] )\p{Lu}[\p{L}\p{N}_-]*/gu, // names mid-sentence: "Project A", "met Dana"
];

/** The tokens two entries must agree on before they can be merged. */
export function hardTokens(text: string): { facts: Set<string>; negations: Set<string> } {
  const facts = new Set<string>();
  for (const re of HARD) for (const m of text.match(re) ?? []) facts.add(m.toLowerCase().replace(/`/g, ""));
  const negations = new Set((text.match(NEGATION) ?? []).map((n) => n.toLowerCase().replace("'", "")));
  return { facts, negations };
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
  a.size === b.size && [...a].every((x) => b.has(x));
const subset = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].every((x) => b.has(x));

/**
 * Null when `a` and `b` may be merged (keeping `b` when `subsumes`), else why not: a number, id,
 * version, date, path, code span or negation that one has and the other contradicts.
 */
export function mergeGuard(a: string, b: string, subsumes: boolean): string | null {
  const ha = hardTokens(a);
  const hb = hardTokens(b);
  if (!sameSet(ha.negations, hb.negations)) return "negation differs";
  if (subsumes ? !subset(ha.facts, hb.facts) : !sameSet(ha.facts, hb.facts))
    return "a number, id, version, date or path differs";
  return null;
}

// --- MinHash / LSH -------------------------------------------------------------------------------

const HASHES = 64;
const BANDS = 16; // 16 bands × 4 rows: candidates from Jaccard ≈ 0.5 up
const ROWS = HASHES / BANDS;

function fnv1a(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche so nearby seeds give independent functions.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

export function minhash(words: ReadonlySet<string>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const w of words) {
    for (let i = 0; i < HASHES; i++) {
      const h = fnv1a(w, i * 0x9e3779b1);
      if (h < (sig[i] ?? 0)) sig[i] = h;
    }
  }
  return sig;
}

/** Candidate pairs (i < j) whose signatures share at least one LSH band; each pair once, in order. */
export function lshCandidates(signatures: readonly Uint32Array[]): [number, number][] {
  const seen = new Set<string>();
  const out: [number, number][] = [];
  for (let band = 0; band < BANDS; band++) {
    const buckets = new Map<string, number[]>();
    signatures.forEach((sig, idx) => {
      const key = Array.from(sig.subarray(band * ROWS, band * ROWS + ROWS)).join(",");
      const b = buckets.get(key);
      if (b) b.push(idx);
      else buckets.set(key, [idx]);
    });
    for (const members of buckets.values()) {
      // A bucket this large is boilerplate ("- TODO"), not a duplicate family: skip rather than go quadratic.
      if (members.length < 2 || members.length > 50) continue;
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const i = members[x] ?? 0;
          const j = members[y] ?? 0;
          const key = `${i},${j}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push([i, j]);
        }
      }
    }
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** Word → indexes of the sets that hold it, in order. */
export function postingsOf(sets: readonly ReadonlySet<string>[]): Map<string, number[]> {
  const postings = new Map<string, number[]>();
  sets.forEach((s, i) => {
    for (const w of s) {
      const p = postings.get(w);
      if (p) p.push(i);
      else postings.set(w, [i]);
    }
  });
  return postings;
}

const WORD = /\p{L}[\p{L}\p{N}'’-]*/gu;

/**
 * Null when the words one entry has and the other lacks are a change of wording, else why not: a swap of
 * opposites ("imports"/"exports", "before"/"after"), of alternatives under one parent ("dog"/"cat",
 * "Monday"/"Tuesday"), or of words the dictionary does not know (tools, names: "pnpm"/"yarn"). Pure
 * additions are left to `mergeGuard`: only a swap can turn one fact into another.
 */
export function contrastGuard(a: string, b: string, lexicon: Lexicon): string | null {
  const wa = new Set(a.toLowerCase().match(WORD) ?? []);
  const wb = new Set(b.toLowerCase().match(WORD) ?? []);
  const onlyA = [...wa].filter((w) => !wb.has(w));
  const onlyB = [...wb].filter((w) => !wa.has(w));
  for (const x of onlyA) {
    for (const y of onlyB) {
      const r = lexicon.relation(x, y);
      if (r === "antonym") return `"${x}" and "${y}" are opposites`;
      if (r === "co-hyponym") return `"${x}" and "${y}" are alternatives of one kind`;
      if (r === "unknown" && !STOPWORDS.has(x) && !STOPWORDS.has(y))
        return `"${x}" and "${y}" differ and are not in the dictionary (names or tools)`;
    }
  }
  return null;
}
