import { evidenceOf } from "../plan.ts";
import type { Rule } from "./rule.ts";

/**
 * Relative dates ("yesterday", "last Tuesday") made absolute against the day each entry was written. The
 * rewrite itself happens when the store is planned, before any rule, so no rule compares "deployed
 * yesterday" written on two days as one fact; this rule proposes the rewrite for each entry still in
 * the store.
 */
export const normalize: Rule = {
  name: "normalize",
  run({ planned, removed, held }) {
    return planned
      .filter((p) => p.rewrites.length && !removed.has(p) && !held.has(p))
      .map((p) => {
        const line = p.rewrites[0]?.line ?? p.entry.startLine;
        const list = p.rewrites.flatMap((r) => r.rewrites.map((w) => `"${w.from}" → "${w.to}"`)).join(", ");
        return {
          kind: "normalize" as const,
          targets: [p.entry.path],
          reason: `relative dates made absolute against ${p.entry.writtenOn} (from the ${p.entry.dateSource} date): ${list}`,
          evidence: [
            { ...evidenceOf(p), line, quote: (p.entry.lines[line - p.entry.startLine] ?? "").trim() },
          ],
          changes: [
            {
              path: p.entry.path,
              startLine: p.entry.startLine,
              endLine: p.entry.endLine,
              before: p.entry.lines,
              after: p.after,
            },
          ],
        };
      });
  },
};
