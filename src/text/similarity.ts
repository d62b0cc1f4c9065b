/**
 * Near-duplicate machinery for the offline engine: content-word sets, Jaccard, MinHash signatures with
 * LSH banding (candidate pairs in sub-quadratic time), and the guard that refuses to merge entries whose
 * numbers, ids, versions, dates, paths, code or negations differ.
 */

import type { Lexicon } from "./lexicon/lexicon.ts";
import { PairSet } from "./pairs.ts";

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
  const sig = new Uint32Array(HASHES);
  minhashInto(words, sig, 0);
  return sig;
}

function minhashInto(words: ReadonlySet<string>, out: Uint32Array, at: number): void {
  out.fill(0xffffffff, at, at + HASHES);
  for (const w of words) {
    for (let i = 0; i < HASHES; i++) {
      const h = fnv1a(w, i * 0x9e3779b1);
      if (h < (out[at + i] ?? 0)) out[at + i] = h;
    }
  }
}

/**
 * The signatures of many sets in one array (set k at k·64): one buffer, where a Uint32Array each cost
 * its own backing store and two heap objects per entry, about twice the signature itself.
 */
export function signaturesOf(sets: readonly ReadonlySet<string>[]): Uint32Array {
  const out = new Uint32Array(sets.length * HASHES);
  sets.forEach((s, k) => {
    minhashInto(s, out, k * HASHES);
  });
  return out;
}

/** Candidate pairs (i < j) whose signatures share at least one LSH band; each pair once, in order. */
export function lshCandidates(signatures: readonly Uint32Array[]): [number, number][] {
  const packed = new Uint32Array(signatures.length * HASHES);
  signatures.forEach((sig, k) => {
    packed.set(sig.subarray(0, HASHES), k * HASHES);
  });
  return lshPairs(packed);
}

/** A band's four rows folded to 32 bits: equal bands, equal folds (and rarely two unequal ones). */
function bandHash(sigs: Uint32Array, at: number): number {
  let h = 0x811c9dc5;
  for (let r = 0; r < ROWS; r++) h = Math.imul(h ^ (sigs[at + r] ?? 0), 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x85ebca6b) >>> 0;
}

function sameBand(sigs: Uint32Array, a: number, b: number): boolean {
  for (let r = 0; r < ROWS; r++) if (sigs[a + r] !== sigs[b + r]) return false;
  return true;
}

/**
 * lshCandidates over signaturesOf's packed form. Each band's buckets are found by sorting the entries on
 * (band hash, index), packed in one double, then splitting runs of one hash by the band's exact rows:
 * the buckets of a Map keyed by the rows as text, without a string per entry and band.
 */
export function lshPairs(sigs: Uint32Array): [number, number][] {
  const n = Math.floor(sigs.length / HASHES);
  const pairs = new PairSet(n);
  const idxScale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  // As many hash bits as fit beside the index below 2^53; fewer only make more runs to split.
  const hashShift = Math.max(0, 32 - (53 - Math.log2(idxScale)));
  const order = new Float64Array(n);
  const bucket: number[] = [];
  for (let band = 0; band < BANDS; band++) {
    const off = band * ROWS;
    for (let k = 0; k < n; k++) order[k] = (bandHash(sigs, k * HASHES + off) >>> hashShift) * idxScale + k;
    order.sort();
    for (let s = 0, e = 0; s < n; s = e) {
      const h = Math.floor((order[s] ?? 0) / idxScale);
      e = s + 1;
      while (e < n && Math.floor((order[e] ?? 0) / idxScale) === h) e++;
      if (e - s < 2) continue;
      // One hash, most often one bucket: take each bucket's members (ascending) out of the run in turn.
      const run = Array.from(order.subarray(s, e), (v) => v - h * idxScale);
      while (run.length) {
        const first = run[0] ?? 0;
        bucket.length = 0;
        let kept = 0;
        for (const k of run) {
          if (sameBand(sigs, first * HASHES + off, k * HASHES + off)) bucket.push(k);
          else run[kept++] = k;
        }
        run.length = kept;
        // A bucket this large is boilerplate ("- TODO"), not a duplicate family: skip rather than go quadratic.
        if (bucket.length < 2 || bucket.length > 50) continue;
        for (let x = 0; x < bucket.length; x++)
          for (let y = x + 1; y < bucket.length; y++) pairs.add(bucket[x] ?? 0, bucket[y] ?? 0);
      }
    }
  }
  return pairs.sorted();
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
