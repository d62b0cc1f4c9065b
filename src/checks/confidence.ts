import type { Operation, ProposedOperation } from "../manifest.ts";
import { blockViolation } from "./blocks.ts";
import { removesOnlyDanglingLinks } from "./dangling-links.ts";
import { ATX_HEADING } from "./structure.ts";

/**
 * How sure a reviewer may be of an accepted operation, decided by code, never claimed by an engine.
 * `certain` only where code proves it outright: every line a merge removes is, word for word (white space
 * aside), a line that stays and is cited; or a prune removes index lines whose targets are not in the
 * store. Everything else is `likely`: a judgement a reviewer should read.
 */
export type Confidence = Operation["confidence"];

const squeeze = (s: string) => s.replace(/\s+/g, " ").trim();

export function confidenceOf(
  op: ProposedOperation,
  paths: ReadonlySet<string>,
  notes: ReadonlyMap<string, readonly string[]> = new Map(),
): "certain" | "likely" {
  const removals = op.changes.filter((c) => c.after.length === 0);
  if (!removals.length || removals.length !== op.changes.length) return "likely";
  if (op.kind === "prune") {
    // A heading that went with its only link is not a judgement either.
    const dangling = removals.every((c) => removesOnlyDanglingLinks(c, paths, (l) => ATX_HEADING.test(l)));
    return dangling ? "certain" : "likely";
  }
  // Certain when each section removed equals, line for line, a cited copy that stays (not only is held in it).
  if (op.kind === "merge-block")
    return blockViolation(op.changes, op.evidence, notes, true) ? "likely" : "certain";
  if (op.kind !== "merge") return "likely";
  const removed = (path: string, line: number) =>
    removals.some((c) => c.path === path && line >= c.startLine && line <= c.endLine);
  const kept = new Set(
    op.evidence.flatMap((ev) =>
      ev.source === "memory" && !removed(ev.path, ev.line) ? [squeeze(ev.quote)] : [],
    ),
  );
  return removals.every((c) =>
    c.before.every((l) => l.trim() === "" || ATX_HEADING.test(l) || kept.has(squeeze(l))),
  )
    ? "certain"
    : "likely";
}
