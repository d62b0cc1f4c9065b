import type { ReviewItem } from "../../../manifest.ts";
import { contentWords } from "../../../text/similarity.ts";
import { evidenceOf, type Planned, saidBefore, where } from "../plan.ts";
import { namesIn, type Typed } from "../said.ts";
import type { Rule } from "./rule.ts";
import { switchIn } from "./session-switches.ts";

/**
 * Corrections and decisions a person stated in a session ("no, we use pnpm now", "we dropped the staging
 * cluster", "Phase 0 never happened, still not started") beside the memory entries about the same thing
 * that still say otherwise. Which side holds needs meaning, so code changes nothing: each is listed for
 * review with the session's words next to the entry's. What a session provably retires goes through the
 * rules that cite it (closed-todos, removed-references) and the order check (checks/session-order.ts).
 * Only what a person typed counts (said.ts): pasted prompts, tool output and templates are not
 * corrections.
 */
const CORRECTION =
  /\b(?:we(?:'re| are)? (?:now )?(?:use|using) |(?:switched|moved|migrated) (?:from|to|over)|no longer (?:use|using|need|have|run)|(?:don't|do not|dont) (?:use|need|have|run) \S+(?: \S+){0,3} any ?more|\b(?:use|using|uses) \S+(?: \S+)? instead of|we (?:dropped|removed|killed|cancell?ed|abandoned|replaced|retired)|never happened|(?:still )?not (?:yet )?started|is (?:dead|gone|deprecated|obsolete))\b/i;
// Neither "No, …" / "Nope, …" alone ("Nope, too slow") nor a bare "instead of" ("I walked instead of
// taking the bus") is a correction of memory: on two real workspaces every item they listed was
// conversation (7 of 7). The correction says what holds now.
/** A word this rare (in at most this many entries of the store) names the thing both sides are about. */
const RARE = 8;
const MAX_ITEMS = 40;

const PER_SENTENCE = 2;

export const sessionCorrections: Rule = {
  name: "session-corrections",
  run({ planned, removed, typed, review }) {
    // A switch naming both sides is session-switches' to apply or list.
    const said = typed.filter((t) => CORRECTION.test(t.sentence) && !switchIn(t.sentence));
    if (!said.length) return [];
    const live = planned.filter((p) => !removed.has(p));
    const df = new Map<string, number>();
    for (const p of live) for (const w of p.words) df.set(w, (df.get(w) ?? 0) + 1);
    const postings = new Map<string, Planned[]>();
    for (const p of live)
      for (const w of p.words)
        if ((df.get(w) ?? 0) <= RARE) {
          const list = postings.get(w);
          if (list) list.push(p);
          else postings.set(w, [p]);
        }
    // Every (sentence, entry) pair about the same thing, then the best first: an entry goes beside the
    // sentence it shares most with, not the first one that happens to name a word of it.
    const pairs: { t: Typed; p: Planned; n: number }[] = [];
    for (const t of said) {
      const words = new Set(contentWords(t.sentence));
      const names = namesIn(t.sentence);
      const found = new Set<Planned>();
      for (const w of words) for (const p of postings.get(w) ?? []) found.add(p);
      for (const p of found) {
        // A sentence that names something (billing-cron, `deploy.sh`) is about an entry naming it too.
        if (names.length && !names.some((x) => p.text.toLowerCase().includes(x))) continue;
        const n = [...words].filter((w) => p.words.has(w)).length;
        if (n >= 2 && !saidBefore(p, t)) pairs.push({ t, p, n });
      }
    }
    pairs.sort(
      (a, b) =>
        b.n - a.n ||
        a.p.entry.path.localeCompare(b.p.entry.path) ||
        a.p.entry.startLine - b.p.entry.startLine ||
        a.t.session.id.localeCompare(b.t.session.id) ||
        a.t.index - b.t.index,
    );
    const items: ReviewItem[] = [];
    const listed = new Set<Planned>();
    const perSentence = new Map<Typed, number>();
    for (const { t, p } of pairs) {
      if (items.length >= MAX_ITEMS) break;
      if (listed.has(p) || (perSentence.get(t) ?? 0) >= PER_SENTENCE) continue;
      listed.add(p);
      perSentence.set(t, (perSentence.get(t) ?? 0) + 1);
      items.push({
        kind: "contradiction",
        reason: `session ${t.session.id} (message ${t.index}) says "${t.sentence}"; ${where(p)} may say otherwise: check which holds now; not changed by code`,
        evidence: [
          { source: "session", session: t.session.id, index: t.index, quote: t.sentence },
          evidenceOf(p),
        ],
      });
    }
    review.push(...items);
    return [];
  },
};
