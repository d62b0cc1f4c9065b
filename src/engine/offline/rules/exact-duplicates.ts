import type { ProposedOperation } from "../../engine.ts";
import { evidenceOf, keepRank, type Planned, redundant, removal, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

/** Entries equal after folding case, emphasis, punctuation and dates: keep one copy. */
export const exactDuplicates: Rule = {
  name: "exact-duplicates",
  run({ planned, removed, held, possible }) {
    const groups = new Map<string, Planned[]>();
    for (const p of planned) {
      if (!p.key || removed.has(p) || held.has(p)) continue;
      const g = groups.get(p.key);
      if (g) g.push(p);
      else groups.set(p.key, [p]);
    }
    const ops: ProposedOperation[] = [];
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const [keep, ...rest] = [...group].sort((a, b) => keepRank(a) - keepRank(b));
      if (!keep) continue;
      const drop = rest.filter((p) => redundant(p, keep));
      // Copies in other files each stay (a day's record, another document): listed, one finding a group.
      const elsewhere = rest.filter((p) => !drop.includes(p) && p.entry.path !== keep.entry.path);
      if (elsewhere.length && !keep.local) {
        possible.push({
          reason: `the same entry in ${new Set([keep, ...elsewhere].map((p) => p.entry.path)).size} files (${[keep, ...elsewhere].map(where).join(", ")}): each copy may be part of its own record; not merged across files`,
          evidence: [keep, ...elsewhere].slice(0, 10).map(evidenceOf),
        });
      }
      if (!drop.length) continue;
      for (const d of drop) removed.add(d);
      ops.push({
        kind: "merge",
        targets: [...new Set([keep, ...drop].map((p) => p.entry.path))],
        reason: `${drop.length + 1} copies of the same entry (equal after folding case, emphasis, punctuation and dates); kept ${where(keep)}, removed ${drop.map(where).join(", ")}`,
        evidence: [keep, ...drop].map(evidenceOf),
        changes: drop.map(removal),
      });
    }
    return ops;
  },
};
