import { expiredDeadline, expiryCutoff, GRACE_DAYS } from "../../../checks/deadlines.ts";
import { evidenceOf, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

/**
 * Entries with an obligation whose day passed (a grace week ago) are listed as possibly stale, never
 * pruned: a passed due date does not say the thing was done. On real stores three of four such prunes
 * were judged wrong: an "Overdue Follow-Ups" list still owed, an inbox's only record, an anniversary
 * (issue 13's fourth audit). A session or a later entry saying it was done is what retires it.
 */
export const expiredDeadlines: Rule = {
  name: "expired-deadlines",
  run({ planned, removed, held, now, review }) {
    const cutoff = expiryCutoff(now);
    for (const p of planned) {
      if (removed.has(p) || held.has(p) || p.entry.lines.length > 1 || p.entry.ordered) continue;
      const date = expiredDeadline(p.entry.lines.join(" "), cutoff);
      if (!date) continue;
      review.push({
        kind: "stale",
        reason: `deadline ${date} at ${where(p)} passed more than ${GRACE_DAYS} days before this dream (${now.toISOString().slice(0, 10)}): done, dropped or overdue? not changed by code`,
        evidence: [evidenceOf(p)],
      });
    }
    return [];
  },
};
