import { contrastGuard, jaccard, lshPairs, mergeGuard, signaturesOf } from "../../../text/similarity.ts";
import { evidenceOf, type Planned, where } from "../plan.ts";
import { contradiction, labelledCounts, sameSubject, valueSwap } from "../value-swap.ts";
import type { Rule } from "./rule.ts";

/**
 * Near-duplicates: listed for review, never merged. Even the same content words in the same order, only
 * punctuation or a small word apart, were two records on real stores ("Mezcal (Espadin=" and "(Espadin)"
 * in a machine list, issue 13's fourth audit); an added word is a qualifier or a clause, another fact
 * ("exports its report" / "… to the finance bucket"), and a swapped one may name another person or
 * service ("shared bucket" / "team bucket"). Merging is left to exact copies, and to the Claude engine.
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

/**
 * Near-duplicates among what survived exact merging. Candidates come from MinHash LSH (never all
 * pairs); each is confirmed by Jaccard, by the guard on numbers, ids and negations, and by the lexicon
 * on swapped words (opposites, alternatives, unknown names), then listed. A pair alike but for one
 * number or status word is a possible contradiction instead (value-swap.ts).
 */
export const nearDuplicates: Rule = {
  name: "near-duplicates",
  run({ planned, removed, held, lexicon, possible, review }) {
    const pool = planned.filter((p) => mergeable(p, removed, MIN_WORDS) && !held.has(p));
    // Sorted and unique already.
    const pairs = lshPairs(signaturesOf(pool.map((p) => p.words)));
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
      possible.push({
        reason: `alike wording (Jaccard ${sim.toFixed(2)}): ${where(a)} and ${where(b)} may state one fact, or one adds to or swaps a word of the other; not merged by rule`,
        evidence: [evidenceOf(a), evidenceOf(b)],
      });
    }
    review.push(...labelledCounts(planned, removed));
    return [];
  },
};
