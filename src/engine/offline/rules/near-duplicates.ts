import { contrastGuard, jaccard, lshPairs, mergeGuard, signaturesOf } from "../../../text/similarity.ts";
import type { ProposedOperation } from "../../engine.ts";
import { evidenceOf, keepRank, type Planned, redundant, removal, where } from "../plan.ts";
import { contradiction, labelledCounts, sameSubject, valueSwap } from "../value-swap.ts";
import type { Rule } from "./rule.ts";

/**
 * Near-duplicates: merged only when their content words are the same, in the same order (what differs
 * is punctuation, emphasis, small words: "use early returns instead of nested ifs" / "… rather than …").
 * A pair at least this alike but with a word added or swapped is listed for review, never merged: an
 * added word is a qualifier or a clause, another fact ("exports its report" / "… to the finance bucket"),
 * and a swapped one may name another person or service ("shared bucket" / "team bucket").
 */
export const NEAR_JACCARD = 0.75;
const MIN_WORDS = 4;
const LINK_LINE = /^\s*\[[^\]]+\]\([^)]+\)/;

/**
 * Whether an entry may take part in a near-duplicate comparison: mergeable at all, still in the store,
 * not a numbered step, long enough to compare, and not a link line ("- [Title](file.md) — summary"),
 * which points at facts rather than stating one.
 */
export function mergeable(p: Planned, removed: ReadonlySet<Planned>, minWords: number): boolean {
  return (
    p.key !== "" && !removed.has(p) && !p.entry.ordered && p.words.size >= minWords && !LINK_LINE.test(p.text)
  );
}

/**
 * Whether the words two entries share come in the same order. "User message has parentUuid pointing to
 * the previous assistant message" and its converse share every word (Jaccard 1.00) and say the opposite:
 * the roles swapped places (issue 13, class 3).
 */
export function sameOrder(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const inA = [...a].filter((w) => b.has(w));
  const inB = [...b].filter((w) => a.has(w));
  return inA.every((w, i) => inB[i] === w);
}

/** Most informative first: more content words, then the better home, then input order. */
function informative(a: Planned, b: Planned): number {
  return b.words.size - a.words.size || keepRank(a) - keepRank(b);
}

/**
 * Near-duplicates among what survived exact merging. Candidates come from MinHash LSH (never all
 * pairs); each is confirmed by Jaccard, by the guard on numbers, ids and
 * negations, and by the lexicon on swapped words (opposites, alternatives, unknown names). A merge keeps
 * the most informative wording and cites every copy.
 */
export const nearDuplicates: Rule = {
  name: "near-duplicates",
  run({ planned, removed, held, lexicon, possible, review }) {
    const pool = planned.filter((p) => mergeable(p, removed, MIN_WORDS) && !held.has(p));
    // Sorted and unique already.
    const pairs = lshPairs(signaturesOf(pool.map((p) => p.words)));
    const links = new Map<Planned, Set<Planned>>();
    for (const [i, j] of pairs) {
      const a = pool[i];
      const b = pool[j];
      if (!a || !b) continue;
      // An entry that takes its subject from its heading path is one fact only with a copy there.
      if (
        (a.local || b.local) &&
        (a.entry.path !== b.entry.path || a.entry.sectionLine !== b.entry.sectionLine)
      )
        continue;
      if (!sameOrder(a.words, b.words)) continue;
      const swap = valueSwap(a, b);
      if (swap) {
        if (sameSubject(a, b)) review.push(contradiction(a, b, swap));
        continue;
      }
      const [small, big] = a.words.size <= b.words.size ? [a, b] : [b, a];
      const sim = jaccard(a.words, b.words);
      if (sim < NEAR_JACCARD) continue;
      if (mergeGuard(small.text, big.text, false) !== null) continue;
      if (contrastGuard(small.text, big.text, lexicon) !== null) continue;
      // Not the same words: listed, never merged (issue 13's fourth audit: "(Espadin=" and "(Espadin)"
      // in a machine list are two records).
      if (sim < 1 || a.text !== b.text) {
        possible.push({
          reason: `alike wording (Jaccard ${sim.toFixed(2)}): ${where(a)} and ${where(b)} may state one fact, or one adds to or swaps a word of the other; not merged by rule`,
          evidence: [evidenceOf(a), evidenceOf(b)],
        });
        continue;
      }
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const s = links.get(x) ?? new Set<Planned>();
        s.add(y);
        links.set(x, s);
      }
    }
    review.push(...labelledCounts(planned, removed));
    const ops: ProposedOperation[] = [];
    // Greedy from the most informative entry: it absorbs the entries confirmed against it directly, so a
    // chain a~b~c never merges a into c without a check between them.
    for (const keep of [...links.keys()].sort(informative)) {
      if (removed.has(keep)) continue;
      const drop = [...(links.get(keep) ?? [])]
        .filter((p) => !removed.has(p) && redundant(p, keep) && informative(keep, p) <= 0)
        .sort(informative);
      if (!drop.length) continue;
      for (const d of drop) removed.add(d);
      const scores = drop.map((d) => jaccard(keep.words, d.words).toFixed(2)).join(", ");
      ops.push({
        kind: "merge",
        targets: [...new Set([keep, ...drop].map((p) => p.entry.path))],
        reason: `same content words in the same order (Jaccard ${scores}; numbers, ids, dates, paths and negations agree); kept the most informative, ${where(keep)}, removed ${drop.map(where).join(", ")}`,
        evidence: [keep, ...drop].map(evidenceOf),
        changes: drop.map(removal),
      });
    }
    return ops;
  },
};
