import type { ProposedOperation } from "../../engine.ts";
import { evidenceOf, keepRank, type Planned, redundant, removal, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

const groupOf = (p: Planned) => `${p.entry.path}\0${p.entry.group}`;

/**
 * What the store's shape allows beyond `redundant`'s places (issue 13's fourth audit): in one list, a
 * copy goes only when the list was written twice over (two or more of its lines repeat: a log whose runs
 * were doubled), never a lone pair, which is as often two things that share a title (two tasks
 * "Complete weekly certification", three agents' `ask="off"` lines). Such a pair is listed.
 */
function shapeOf(planned: readonly Planned[]) {
  const repeats = new Map<string, Map<string, number>>();
  for (const p of planned) {
    if (!p.key || p.entry.kind !== "bullet") continue;
    const g = groupOf(p);
    const counts = repeats.get(g) ?? new Map<string, number>();
    counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
    repeats.set(g, counts);
  }
  const doubled = (p: Planned) =>
    [...(repeats.get(groupOf(p))?.values() ?? [])].filter((n) => n > 1).length >= 2;
  return (copy: Planned, keep: Planned) =>
    copy.entry.path !== keep.entry.path || copy.entry.kind !== "bullet" || doubled(copy);
}

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
    const allows = shapeOf(planned);
    const ops: ProposedOperation[] = [];
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const [keep, ...rest] = [...group].sort((a, b) => keepRank(a) - keepRank(b));
      if (!keep) continue;
      const drop = rest.filter((p) => redundant(p, keep) && allows(p, keep));
      // Copies that stay (a day's record, another document, a lone pair in a list): listed, once a group.
      const elsewhere = rest.filter((p) => !drop.includes(p));
      if (elsewhere.length && (!keep.local || elsewhere.some((p) => p.entry.path === keep.entry.path))) {
        possible.push({
          reason: `the same entry ${[keep, ...elsewhere].length} times, in ${new Set([keep, ...elsewhere].map((p) => p.entry.path)).size} files (${[keep, ...elsewhere].map(where).join(", ")}): each copy may be part of its own record; not merged`,
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
