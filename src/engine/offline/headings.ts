import { ATX } from "../../memory/markdown.ts";
import type { ProposedOperation } from "../engine.ts";

/**
 * Several operations may each remove one entry under a heading and together leave it empty, which code
 * refuses. Where the engine removes everything a heading holds, the removal of the entry right under the
 * heading takes the heading line too and goes last, when the others are already accepted; if one of
 * them is refused, that last one is refused too (a heading goes only with all it holds), and the heading
 * keeps its first entry.
 */
export function takeEmptiedHeadings(
  ops: ProposedOperation[],
  files: ReadonlyMap<string, readonly string[]>,
): ProposedOperation[] {
  const removedBy = new Map<string, Map<number, ProposedOperation>>();
  for (const op of ops) {
    for (const c of op.changes) {
      if (c.after.length) continue;
      const lines = removedBy.get(c.path) ?? new Map<number, ProposedOperation>();
      for (let l = c.startLine; l <= c.endLine; l++) lines.set(l, op);
      removedBy.set(c.path, lines);
    }
  }
  const last: ProposedOperation[] = [];
  /** For each operation that takes a heading, the others that must be accepted before it. */
  const after = new Map<ProposedOperation, Set<ProposedOperation>>();
  for (const [path, removed] of removedBy) {
    const lines = files.get(path) ?? [];
    // Deepest last in the file first: a sub-heading taken by its section's removal counts as removed
    // when the heading above it is judged, so "# A / text / ## B / text" can go whole.
    for (let h = lines.length; h >= 1; h--) {
      const heading = ATX.exec(lines[h - 1] ?? "")?.[1];
      if (!heading || removed.has(h)) continue;
      let next = h + 1;
      while (next <= lines.length && (ATX.exec(lines[next - 1] ?? "")?.[1]?.length ?? 7) > heading.length) {
        next++;
      }
      const own: number[] = [];
      for (let l = h + 1; l < next; l++) if ((lines[l - 1] ?? "").trim() !== "") own.push(l);
      if (own.length < 2 || !own.every((l) => removed.has(l))) continue;
      const top = own[0] ?? h;
      const first = removed.get(top);
      const change = first?.changes.find((c) => c.path === path && c.startLine === top);
      if (!first || !change) continue;
      change.before = [...lines.slice(h - 1, change.startLine - 1), ...change.before];
      change.startLine = h;
      for (let l = h; l < top; l++) removed.set(l, first);
      // A section pasted several times: one operation removes its first line in every copy, and takes
      // each copy's heading.
      if (!last.includes(first)) last.push(first);
      const deps = after.get(first) ?? new Set<ProposedOperation>();
      for (const l of own) {
        const o = removed.get(l);
        if (o && o !== first) deps.add(o);
      }
      after.set(first, deps);
    }
  }
  // One operation may take a heading in one file and remove a later entry under another's: order them
  // so each comes after the removals it relies on (as given, where they depend on each other).
  const ordered: ProposedOperation[] = [];
  const pending = [...last];
  while (pending.length) {
    const i = pending.findIndex((op) =>
      [...(after.get(op) ?? [])].every((d) => !pending.includes(d) || d === op),
    );
    ordered.push(...pending.splice(i < 0 ? 0 : i, 1));
  }
  return [...ops.filter((op) => !last.includes(op)), ...ordered];
}
