import type { Session } from "../../../transcripts/session.ts";
import type { ProposedOperation } from "../../engine.ts";
import { pruneBySession, saidAfter, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

/**
 * References a later session says are gone: "billing-cron was decommissioned", "we deleted
 * `scripts/old-deploy.sh`". Entries *about* that thing (it is named in their first words) — including
 * facts that depend on it — are pruned, citing the session. Entries that only mention it in passing stay.
 */
const GONE =
  /\b(?:(?:was|were|has been|have been|got|is|are)\s+(?:now\s+)?(?:removed|deleted|decommissioned|retired|dropped|shut down|sunset)|(?:we|i)\s+(?:removed|deleted|decommissioned|retired|dropped))\b/i;
// The lookbehind starts a name only at its first letter, so a long run is scanned once, not from each letter.
const IDENT = /`[^`]+`|(?<![\p{L}\p{N}_/.-])[\p{L}\p{N}]+(?:[-_/.][\p{L}\p{N}]+)+/gu;
const SUBJECT_WORDS = 5;

export const removedReferences: Rule = {
  name: "removed-references",
  run({ planned, removed, held, sessions, seenSince }) {
    const gone: { ident: string; session: Session; index: number; sentence: string }[] = [];
    for (const s of sessions) {
      for (const m of s.messages) {
        for (const raw of m.text.split(/(?<=[.!?])\s+|\n+/)) {
          const sentence = raw.trim();
          if (!GONE.test(sentence)) continue;
          for (const id of sentence.match(IDENT) ?? [])
            gone.push({ ident: id.replace(/`/g, "").toLowerCase(), session: s, index: m.index, sentence });
        }
      }
    }
    if (!gone.length) return [];
    const ops: ProposedOperation[] = [];
    for (const p of planned) {
      if (removed.has(p) || held.has(p) || p.entry.ordered) continue;
      const head = p.text.split(/\s+/).slice(0, SUBJECT_WORDS).join(" ").replace(/`/g, "").toLowerCase();
      const headIds = new Set(head.match(IDENT) ?? []);
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
