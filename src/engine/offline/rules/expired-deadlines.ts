import { expiredDeadline, expiryCutoff, GRACE_DAYS } from "../../../checks/deadlines.ts";
import type { ProposedOperation } from "../../engine.ts";
import { evidenceOf, removal, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

/**
 * Entries whose only point was a deadline that has passed (a grace week later) are pruned. The cutoff is
 * the checks' own: code re-checks each removal against the same day.
 */
export const expiredDeadlines: Rule = {
  name: "expired-deadlines",
  run({ planned, removed, held, now }) {
    const cutoff = expiryCutoff(now);
    const ops: ProposedOperation[] = [];
    for (const p of planned) {
      if (removed.has(p) || held.has(p) || p.entry.lines.length > 1 || p.entry.ordered) continue;
      // The date must be in the entry as written: code re-checks the removal against the input lines.
      const date = expiredDeadline(p.entry.lines.join(" "), cutoff);
      if (!date) continue;
      removed.add(p);
      ops.push({
        kind: "prune",
        targets: [p.entry.path],
        reason: `deadline ${date} at ${where(p)} passed more than ${GRACE_DAYS} days before this dream (${now.toISOString().slice(0, 10)})`,
        evidence: [evidenceOf(p)],
        changes: [removal(p)],
      });
    }
    return ops;
  },
};
