import type { ReviewItem } from "../../../manifest.ts";
import { HOME } from "../home.ts";
import { evidenceOf, type Planned, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

/**
 * Stale claims: a plan whose day has passed ("Phase 0 starts tomorrow", written 2026-03-04). Whether it
 * happened is not something code can know, so nothing is retired: the plan is listed for review, with
 * the later entry that says it did not happen ("never happened, still NOT STARTED") beside it when there
 * is one. Without such an entry only the index's and topic files' plans are listed (a daily note's plan
 * is that day's record, not a claim about today), at most MAX_UNANSWERED of them (issue 13, class 8).
 */
const PLAN =
  /\b(?:starts?|starting|begins?|launch(?:es|ing)?|kicks? off|goes live|go live|will|scheduled|planned|plan to|going to|due)\b/i;
const DID_NOT =
  /\b(?:never happened|did(?:n't| not) happen|(?:not|never|hasn't|has not|haven't|have not) (?:yet )?(?:started|begun|happened|launched|shipped)|postponed|delayed|cancell?ed|called off|pushed back|still not)\b/i;
const ISO = /\b\d{4}-\d{2}-\d{2}\b/g;
const MAX_UNANSWERED = 30;
/** A shared word this rare names the plan's subject ("phase", "0" in a store of thousands of entries). */
const RARE = 12;

/** The day a plan was for, when it was after the day it was written and is before today; else null. */
function passedPlanDay(p: Planned, today: string): string | null {
  const written = p.entry.writtenOn;
  if (!written || !PLAN.test(p.text) || DID_NOT.test(p.text)) return null;
  const days = (p.text.match(ISO) ?? []).filter((d) => d > written);
  const day = days.sort().at(-1);
  return day && day < today ? day : null;
}

export const staleClaims: Rule = {
  name: "stale-claims",
  run({ planned, removed, now, review }) {
    const today = now.toISOString().slice(0, 10);
    const plans = planned.flatMap((p) => {
      const day = removed.has(p) ? null : passedPlanDay(p, today);
      return day ? [{ p, day }] : [];
    });
    if (!plans.length) return [];
    const wanted = new Set(plans.flatMap(({ p }) => [...p.words]));
    const df = new Map<string, number>();
    for (const q of planned) for (const w of q.words) if (wanted.has(w)) df.set(w, (df.get(w) ?? 0) + 1);
    const denials = planned.filter((q) => !removed.has(q) && q.entry.writtenOn && DID_NOT.test(q.text));
    const items: ReviewItem[] = [];
    const unanswered: ReviewItem[] = [];
    for (const { p, day } of plans) {
      const denial = denials.find((q) => {
        if ((q.entry.writtenOn ?? "") < day) return false;
        const shared = [...p.words].filter((w) => q.words.has(w));
        return shared.length >= 2 && shared.some((w) => (df.get(w) ?? 0) <= RARE);
      });
      if (denial) {
        items.push({
          kind: "stale",
          reason: `a plan for ${day} (${where(p)}, written ${p.entry.writtenOn}); on ${denial.entry.writtenOn} ${where(denial)} says it did not happen: the plan reads as current and is stale, but code does not retire it`,
          evidence: [evidenceOf(p), evidenceOf(denial)],
        });
      } else if (p.home <= HOME.index) {
        unanswered.push({
          kind: "stale",
          reason: `a plan for ${day} (${where(p)}, written ${p.entry.writtenOn}), now past; nothing in memory says whether it happened`,
          evidence: [evidenceOf(p)],
        });
      }
    }
    review.push(...items, ...unanswered.slice(0, MAX_UNANSWERED));
    return [];
  },
};
