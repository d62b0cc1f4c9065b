import type { Change, Evidence } from "../manifest.ts";
import { contentOf, sectionsOf } from "../memory/sections.ts";

/**
 * The check of a `merge-block`, the removal of a whole section because a copy of it stays. Read from the
 * input alone: each change removes exactly one section (its heading, everything under it, blank lines
 * around it), and a cited heading that this operation does not remove opens a section holding every
 * line of the one removed, in order, white space aside. Null when it holds, else why not.
 */
export function blockViolation(
  changes: readonly Change[],
  evidence: readonly Evidence[],
  notes: ReadonlyMap<string, readonly string[]>,
  equal = false,
): string | null {
  const removes = (path: string, line: number) =>
    changes.some((c) => c.path === path && line >= c.startLine && line <= c.endLine);
  const kept = evidence.flatMap((ev) => {
    if (ev.source !== "memory" || removes(ev.path, ev.line)) return [];
    const lines = notes.get(ev.path) ?? [];
    const s = sectionsOf(lines).find((x) => x.line === ev.line);
    return s ? [contentOf(lines, s.line, s.end)] : [];
  });
  if (!kept.length) return "a merge-block must cite the heading of a copy that stays";
  for (const c of changes) {
    if (c.after.length) return `${c.path}:${c.startLine}: a merge-block only removes`;
    const lines = notes.get(c.path) ?? [];
    let head = c.startLine;
    while (head <= c.endLine && (lines[head - 1] ?? "").trim() === "") head++;
    const section = sectionsOf(lines).find((s) => s.line === head);
    if (!section) return `${c.path}:${c.startLine}-${c.endLine} does not start at a heading`;
    // The whole section, and around it only blank lines: nothing of its neighbours.
    const outside = [...lines.slice(c.startLine - 1, head - 1), ...lines.slice(section.end, c.endLine)];
    if (c.endLine < section.end || outside.some((l) => l.trim() !== "")) {
      return `${c.path}:${c.startLine}-${c.endLine} is not exactly the section at line ${head} (to line ${section.end})`;
    }
    const body = contentOf(lines, section.line, section.end);
    const holds = (k: readonly string[]) =>
      equal ? k.join("\n") === body.join("\n") : holdsInOrder(k, body);
    if (!kept.some(holds)) {
      return `${c.path}:${head}: no cited copy that stays holds every line of the section removed`;
    }
  }
  return null;
}

function holdsInOrder(kept: readonly string[], removed: readonly string[]): boolean {
  let i = 0;
  for (const line of kept) if (line === removed[i]) i++;
  return i === removed.length;
}
