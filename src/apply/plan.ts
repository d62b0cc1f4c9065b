import type { Operation } from "../manifest.ts";
import { applyChanges } from "../proposal/apply-changes.ts";
import { anchor, lineMap } from "./anchor.ts";

/** What an apply would do, decided from the live files alone. */
export interface ApplyPlan {
  /** Path → the file's new lines (null: a new note to create). */
  files: Map<string, { before: string[] | null; after: string[] }>;
  results: { op: string; status: "applied" | "conflict"; reason?: string }[];
  /** Each applied operation's changes at their live places (the live file's line numbers). */
  placed: Map<string, Operation["changes"]>;
}

/**
 * Plan the accepted operations, in the proposal's order, against the live memory (`live(path)`: the
 * file's lines now, null when it does not exist). An operation applies whole or not at all: a change
 * that cannot be re-anchored, one that overlaps an operation planned before it, evidence the agent has
 * since deleted, or a new note whose path the agent has taken — each makes it a conflict with its reason.
 * Files no operation names are never read or touched.
 */
export function planApply(
  ops: readonly Operation[],
  live: (path: string) => string[] | null,
  base: (path: string) => string[] | null,
): ApplyPlan {
  const maps = new Map<string, Map<number, number>>();
  const mapOf = (path: string, lines: readonly string[]) => {
    let m = maps.get(path);
    if (!m) {
      m = lineMap(base(path) ?? [], lines);
      maps.set(path, m);
    }
    return m;
  };
  const taken = new Map<string, [number, number][]>();
  const placed = new Map<string, { before: string[] | null; changes: Operation["changes"] }>();
  const results: ApplyPlan["results"] = [];
  const byOp: ApplyPlan["placed"] = new Map();
  for (const op of ops) {
    const why = conflictOf(op, live, taken, mapOf, base);
    if (typeof why === "string") {
      results.push({ op: op.id, status: "conflict", reason: why });
      continue;
    }
    for (const c of why) {
      const f = placed.get(c.path) ?? { before: live(c.path), changes: [] };
      f.changes.push(c);
      placed.set(c.path, f);
      if (c.endLine >= c.startLine)
        taken.set(c.path, [...(taken.get(c.path) ?? []), [c.startLine, c.endLine]]);
    }
    byOp.set(op.id, why);
    results.push({ op: op.id, status: "applied" });
  }
  const files: ApplyPlan["files"] = new Map();
  // Reversed: two insertions at one point (a revert putting back two neighbouring lines) are applied
  // bottom-up, so the later one goes in first and the earlier ends up above it.
  for (const [path, f] of placed)
    files.set(path, { before: f.before, after: applyChanges(f.before ?? [], [...f.changes].reverse()) });
  return { files, results, placed: byOp };
}

/** The op's changes at their live places, or why it is a conflict. */
function conflictOf(
  op: Operation,
  live: (path: string) => string[] | null,
  taken: ReadonlyMap<string, [number, number][]>,
  mapOf: (path: string, lines: readonly string[]) => ReadonlyMap<number, number>,
  base: (path: string) => string[] | null,
): Operation["changes"] | string {
  const out: Operation["changes"] = [];
  for (const c of op.changes) {
    const lines = live(c.path);
    if (c.before.length === 0 && c.startLine === 1 && c.endLine === 0 && op.kind === "create") {
      if (lines !== null) return `${c.path} exists now (the agent created it since the dream)`;
      out.push(c);
      continue;
    }
    if (lines === null) return `${c.path} is gone since the dream`;
    const a = anchor(lines, c, mapOf(c.path, lines), base(c.path)?.length);
    if ("conflict" in a) return a.conflict;
    if (a.end >= a.start && (taken.get(c.path) ?? []).some(([s, e]) => a.start <= e && a.end >= s)) {
      return `${c.path}:${a.start}-${a.end} is changed by an operation applied before it`;
    }
    out.push({ ...c, startLine: a.start, endLine: a.end });
  }
  // Evidence that is not itself removed must still be there: a removal's survivor the agent has since
  // deleted leaves nothing to justify it.
  for (const ev of op.evidence) {
    if (ev.source !== "memory") continue;
    const removed = op.changes.some(
      (c) => c.path === ev.path && c.after.length === 0 && c.before.some((l) => l.includes(ev.quote)),
    );
    if (removed) continue;
    const lines = live(ev.path);
    if (!lines?.some((l) => l.includes(ev.quote))) {
      return `its evidence "${ev.quote.slice(0, 60)}" (${ev.path}) is no longer in memory`;
    }
  }
  return out;
}
