import { danglingTarget } from "../../../checks/dangling-links.ts";
import type { ProposedOperation } from "../../engine.ts";
import { evidenceOf, removal, where } from "../plan.ts";
import type { Rule } from "./rule.ts";

const INDEX_FILE = /(?:^|\/)(MEMORY|_index)\.md$/i;

/** Index maintenance: an index line that links to a file no longer in the store is removed. */
export const danglingIndexLinks: Rule = {
  name: "dangling-index-links",
  run({ planned, removed, paths }) {
    const ops: ProposedOperation[] = [];
    for (const p of planned) {
      if (removed.has(p) || !INDEX_FILE.test(p.entry.path) || p.entry.lines.length > 1) continue;
      const target = danglingTarget(p.entry.lines[0] ?? "", p.entry.path, paths);
      if (!target) continue;
      removed.add(p);
      ops.push({
        kind: "prune",
        targets: [p.entry.path],
        reason: `index line ${where(p)} links to ${target}, which is not in the store`,
        evidence: [evidenceOf(p)],
        changes: [removal(p)],
      });
    }
    return ops;
  },
};
