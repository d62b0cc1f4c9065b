import { ownDay } from "../../../memory/entries.ts";
import type { Session } from "../../../transcripts/session.ts";
import type { ProposedOperation } from "../../engine.ts";
import { pruneBySession, saidAfter, where } from "../plan.ts";
import { NAME_SOURCE, namesIn } from "../said.ts";
import type { Rule } from "./rule.ts";

/**
 * References a person says are gone: "billing-cron was decommissioned", "we deleted
 * `scripts/old-deploy.sh`". The name must be the thing said to be gone (right before "was removed", right
 * after "we removed"), not any name in the sentence ("pipeline-agent still imports from Notion, which was
 * dropped" says nothing about pipeline-agent). Entries *about* that thing (it is named in their first
 * words) in a note that states how things are now are pruned, citing the session. A record of a day (a
 * daily note, an entry under a date heading or with a date stamp) stays: it was true that day. Passing
 * mentions stay. Only what a person typed counts (said.ts), and only a session that provably came after
 * the entry (plan.ts saidAfter).
 */
const VERB =
  "(?:was|were|has been|have been|got|is|are)\\s+(?:now\\s+)?(?:removed|deleted|decommissioned|retired|dropped|shut down|sunset)";
const NAME = `(${NAME_SOURCE})`;
const GONE_AFTER = new RegExp(`${NAME}\\s+${VERB}\\b`, "giu");
const GONE_BEFORE = new RegExp(
  `\\b(?:we|i)\\s+(?:removed|deleted|decommissioned|retired|dropped)\\s+(?:the\\s+)?${NAME}`,
  "giu",
);
const SUBJECT_WORDS = 5;

/** The names a sentence says are gone. */
function goneNames(sentence: string): string[] {
  const out: string[] = [];
  for (const re of [GONE_AFTER, GONE_BEFORE])
    for (const m of sentence.matchAll(re)) if (m[1]) out.push(m[1].replace(/`/g, "").toLowerCase());
  return out;
}

export const removedReferences: Rule = {
  name: "removed-references",
  run({ planned, removed, held, typed, seenSince }) {
    const gone: { ident: string; session: Session; index: number; sentence: string }[] = [];
    for (const t of typed) for (const ident of goneNames(t.sentence)) gone.push({ ident, ...t });
    if (!gone.length) return [];
    const ops: ProposedOperation[] = [];
    for (const p of planned) {
      if (removed.has(p) || held.has(p) || p.entry.ordered) continue;
      // A record of its day stays true of that day.
      if (ownDay(p.entry)) continue;
      const head = p.text.split(/\s+/).slice(0, SUBJECT_WORDS).join(" ").replace(/`/g, "").toLowerCase();
      const headIds = new Set(namesIn(head));
      const hit = gone.find((g) => headIds.has(g.ident) && saidAfter(p, g, seenSince));
      if (!hit) continue;
      removed.add(p);
      ops.push(
        pruneBySession(
          p,
          hit,
          `${where(p)} is about ${hit.ident}, which session ${hit.session.id} says is gone: "${hit.sentence}"`,
        ),
      );
    }
    return ops;
  },
};
