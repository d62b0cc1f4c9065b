import { containment, jaccard, mergeGuard, postingsOf } from "../../text/similarity.ts";
import type { Candidate } from "../engine.ts";
import { evidenceOf, type Planned, where } from "./plan.ts";
import { mergeable, NEAR_JACCARD } from "./rules/near-duplicates.ts";

/** A word shared by at most this many entries names a subject ("billing-worker", "Rex"), not a topic. */
const ANCHOR_MAX_ENTRIES = 4;

/**
 * Entries that may say one thing in other words ("exports its nightly report to the finance bucket" /
 * "every night ships the report into the accounting team's storage"): they share a rare word and at
 * least one more, their numbers, ids and negations agree, but their wording overlaps too little for a
 * merge by rule. Word overlap cannot tell such a pair from two facts about one subject, so nothing is
 * merged here: they are listed for the reviewer, and the Claude engine decides them.
 */
export function possibleDuplicates(
  planned: readonly Planned[],
  removed: ReadonlySet<Planned>,
  max = 100,
): { candidates: Candidate[]; more: number } {
  const pool = planned.filter((p) => mergeable(p, removed, 3));
  const postings = postingsOf(pool.map((p) => p.words));
  const df = (w: string) => postings.get(w)?.length ?? 0;
  // Pairs from the posting lists of rare words only: a few entries each, so linear in the store.
  const pairs = new Set<string>();
  for (const list of postings.values()) {
    if (list.length < 2 || list.length > ANCHOR_MAX_ENTRIES) continue;
    for (let x = 0; x < list.length; x++)
      for (let y = x + 1; y < list.length; y++) pairs.add(`${list[x]},${list[y]}`);
  }
  const found: { score: number; a: Planned; b: Planned; anchor: string }[] = [];
  for (const pair of pairs) {
    const [i, j] = pair.split(",").map(Number) as [number, number];
    const a = pool[i];
    const b = pool[j];
    if (!a || !b) continue;
    const shared = [...a.words].filter((w) => b.words.has(w));
    const anchor = shared.filter((w) => df(w) <= ANCHOR_MAX_ENTRIES).sort()[0];
    if (!anchor || shared.length < 2) continue;
    const [small, big] = a.words.size <= b.words.size ? [a, b] : [b, a];
    // As alike as that and not merged: a rule refused it (a swapped word), so it is no paraphrase. A
    // wording contained in the other only adds to it ("a 3-year-old golden retriever"): listed.
    const adds = big.words.size > small.words.size && containment(small.words, big.words) === 1;
    if (jaccard(a.words, b.words) >= NEAR_JACCARD && !adds) continue;
    if (mergeGuard(small.text, big.text, true) !== null) continue;
    // Rarer shared words are better evidence of one subject.
    const score = shared.reduce((s, w) => s + 1 / Math.max(1, df(w)), 0);
    found.push({ score, a, b, anchor });
  }
  found.sort((x, y) => y.score - x.score || (where(x.a) < where(y.a) ? -1 : 1));
  return {
    candidates: found.slice(0, max).map(({ a, b, anchor }) => ({
      reason: `same subject ("${anchor}"), other wording: ${where(a)} and ${where(b)} may state one fact, or one may add to the other; not merged by rule`,
      evidence: [evidenceOf(a), evidenceOf(b)],
    })),
    more: Math.max(0, found.length - max),
  };
}

/** A word in at most this many entries of the store is specific enough to tie two lines of one file. */
const SPECIFIC_MAX_ENTRIES = 50;
const PER_FILE = 3;

/**
 * Lines of one note that may say one thing twice in other words ("SW2's only uplink is port 10" /
 * "port 10 is now the only link to SW2"): they share at least three content words, two of them specific
 * to few entries of the store. A file restating itself is the commonest duplicate an owner marks, and
 * words alone cannot prove it: listed for review (at most PER_FILE per note), never merged.
 */
export function restatements(
  planned: readonly Planned[],
  removed: ReadonlySet<Planned>,
  held: ReadonlySet<Planned>,
): Candidate[] {
  const pool = planned.filter((p) => !removed.has(p) && !held.has(p) && p.words.size >= 3 && p.key !== "");
  const df = new Map<string, number>();
  for (const p of pool) for (const w of p.words) df.set(w, (df.get(w) ?? 0) + 1);
  const byFile = new Map<string, Planned[]>();
  for (const p of pool) {
    const list = byFile.get(p.entry.path);
    if (list) list.push(p);
    else byFile.set(p.entry.path, [p]);
  }
  const out: { score: number; c: Candidate }[] = [];
  for (const entries of byFile.values()) {
    const postings = new Map<string, Planned[]>();
    for (const p of entries) {
      for (const w of p.words) {
        if ((df.get(w) ?? 0) > SPECIFIC_MAX_ENTRIES) continue;
        const list = postings.get(w);
        if (list) list.push(p);
        else postings.set(w, [p]);
      }
    }
    const seen = new Set<string>();
    const found: { score: number; a: Planned; b: Planned; shared: string[] }[] = [];
    for (const list of postings.values()) {
      if (list.length < 2 || list.length > 6) continue;
      for (let x = 0; x < list.length; x++) {
        for (let y = x + 1; y < list.length; y++) {
          const a = list[x];
          const b = list[y];
          if (!a || !b) continue;
          const key = `${a.entry.startLine},${b.entry.startLine}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const shared = [...a.words].filter((w) => b.words.has(w));
          const specific = shared.filter((w) => (df.get(w) ?? 0) <= SPECIFIC_MAX_ENTRIES);
          if (shared.length < 3 || specific.length < 2) continue;
          const score =
            specific.reduce((s, w) => s + 1 / (df.get(w) ?? 1), 0) / Math.sqrt(a.words.size * b.words.size);
          found.push({ score, a, b, shared: specific });
        }
      }
    }
    found.sort((p, q) => q.score - p.score || p.a.entry.startLine - q.a.entry.startLine);
    for (const { score, a, b, shared } of found.slice(0, PER_FILE)) {
      out.push({
        score,
        c: {
          reason: `one note, shared specific words (${shared
            .slice(0, 4)
            .map((w) => `"${w}"`)
            .join(
              ", ",
            )}): ${where(a)} and ${where(b)} may say one thing twice, or one may correct the other; not merged by rule`,
          evidence: [evidenceOf(a), evidenceOf(b)],
        },
      });
    }
  }
  return out.sort((p, q) => q.score - p.score).map((x) => x.c);
}
