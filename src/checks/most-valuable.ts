import type { Operation } from "../manifest.ts";
import { type CheckInput, type CheckResult, checkOperations } from "./check-operations.ts";

/** What a dream proposes at most when the caller names no limit (DREAMD_MAX_OPERATIONS). */
export const DEFAULT_MAX_OPERATIONS = 200;

/** An operation left for the next dream: enough to say what it was, not its changes. */
export interface Deferred {
  kind: Operation["kind"];
  rule?: string;
  targets: string[];
  reason: string;
}

const KIND_ORDER: Record<Operation["kind"], number> = {
  "merge-block": 0,
  merge: 0,
  supersede: 1,
  prune: 2,
  create: 3,
  normalize: 4,
};

/** Lines the operation takes out of the store: what a reviewer's accept buys. */
function linesRemoved(op: Operation): number {
  return op.changes.reduce((n, c) => n + Math.max(0, c.before.length - c.after.length), 0);
}

/**
 * Most valuable first: what code proves (`certain`) before what a reviewer must judge, then kinds in the
 * order of trust (merges, supersedes, prunes, new notes, date rewrites), then more lines removed, then
 * the engine's order. Deterministic, so a second dream over the output proposes what the first deferred.
 */
function byValue(a: Operation, b: Operation, order: ReadonlyMap<Operation, number>): number {
  return (
    (a.confidence === "certain" ? 0 : 1) - (b.confidence === "certain" ? 0 : 1) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    linesRemoved(b) - linesRemoved(a) ||
    (order.get(a) ?? 0) - (order.get(b) ?? 0)
  );
}

/**
 * A dream proposes at most `max` operations, so a reviewer can read it (issue 13: one dream proposed
 * 3,606). The most valuable are kept and checked again on their own, in the engine's order, because an
 * operation may rely on one left out (the removal that takes an emptied heading relies on the others
 * under it): whatever that second check refuses is deferred too, never proposed half-supported.
 */
export function mostValuable(
  checked: CheckResult,
  input: CheckInput,
  max = DEFAULT_MAX_OPERATIONS,
): CheckResult & { deferred: Deferred[] } {
  if (checked.accepted.length <= max) return { ...checked, deferred: [] };
  const order = new Map(checked.accepted.map((op, i) => [op, i]));
  const ranked = [...checked.accepted].sort((a, b) => byValue(a, b, order));
  const strip = ({ id: _id, confidence: _c, ...op }: Operation) => op;
  // What the re-check refuses leaves room: fill it from the next most valuable, a few rounds at most.
  let take = max;
  let again = checkOperations({ ...input, operations: [] });
  for (let round = 0; round < 4; round++) {
    const chosen = new Set(ranked.slice(0, take));
    again = checkOperations({
      ...input,
      operations: checked.accepted.filter((op) => chosen.has(op)).map(strip),
    });
    if (again.accepted.length >= max || take >= ranked.length) break;
    take += max - again.accepted.length;
  }
  if (again.accepted.length > max) {
    // The last round's additions all stood: keep the first `max` in the engine's order (which puts a
    // heading's removal after the removals it relies on), checked again.
    const keep = new Set(again.accepted.slice(0, max).map((op) => JSON.stringify(op.changes)));
    again = checkOperations({
      ...input,
      operations: checked.accepted.filter((op) => keep.has(JSON.stringify(op.changes))).map(strip),
    });
  }
  const kept = new Set(again.accepted.map((op) => JSON.stringify(op.changes)));
  const deferred = checked.accepted
    .filter((op) => !kept.has(JSON.stringify(op.changes)))
    .map((op) => ({
      kind: op.kind,
      ...(op.rule ? { rule: op.rule } : {}),
      targets: op.targets,
      reason: op.reason,
    }));
  return { accepted: again.accepted, refused: checked.refused, deferred };
}
