import { createHash } from "node:crypto";
import type { Change, Evidence, ReviewItem } from "../../../manifest.ts";
import { contentOf, type Section, sectionsOf } from "../../../memory/sections.ts";
import type { ProposedOperation } from "../../engine.ts";
import type { Planned } from "../plan.ts";
import type { Rule } from "./rule.ts";

/**
 * Whole blocks written more than once: a section (its heading with its body) or a file, equal line for
 * line once white space is squeezed. A section pasted again under the same parent, with a heading that
 * names its moment or item ("## Run 2026-03-04 14:00", "### Job 4372601167"), is one record written
 * twice: the later copies go, as one `merge-block` operation that code checks as a whole (the copy kept
 * holds every line of each one removed). Any other copy — another file, another parent heading, a
 * heading that names nothing ("## Notes") — may be a record of its own (a backup, a template and a
 * client's case file, two runs that printed the same), so it is listed for review, never removed, and
 * its lines are left to no line-by-line rule either (issue 13, class 8).
 */
const MIN_LINES = 3;
const MAX_LISTED = 50;
// A date, a time or a long number (a job's or a run's id): "## 1. Overview" names a place in a list.
const NAMES_ITS_MOMENT = /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|\d{5,}/;

interface Copy {
  path: string;
  section: Section | null;
  from: number;
  to: number;
}

const hash = (lines: readonly string[]) => createHash("sha1").update(lines.join("\n")).digest("base64");

function quoteAt(lines: readonly string[], path: string, from: number, to: number): Evidence | null {
  for (let l = from; l <= to; l++) {
    const q = (lines[l - 1] ?? "").trim();
    if (q) return { source: "memory", path, line: l, quote: q };
  }
  return null;
}

/** Remove a section copy; at the end of a file it takes the blank lines before it instead of after. */
function removalOf(lines: readonly string[], c: Copy): Change {
  let start = c.from;
  if (c.to === lines.length) while (start > 1 && (lines[start - 2] ?? "").trim() === "") start--;
  return { path: c.path, startLine: start, endLine: c.to, before: lines.slice(start - 1, c.to), after: [] };
}

export const duplicateBlocks: Rule = {
  name: "duplicate-blocks",
  run({ files, planned, removed, held, review, notes }) {
    const groups = new Map<string, Copy[]>();
    const add = (key: string, c: Copy) => {
      const g = groups.get(key);
      if (g) g.push(c);
      else groups.set(key, [c]);
    };
    for (const [path, lines] of files) {
      const whole = contentOf(lines, 1, lines.length);
      if (whole.length >= MIN_LINES)
        add(`file\0${hash(whole)}`, { path, section: null, from: 1, to: lines.length });
      for (const s of sectionsOf(lines)) {
        const body = contentOf(lines, s.line, s.end);
        if (body.length >= MIN_LINES)
          add(`section\0${hash(body)}`, { path, section: s, from: s.line, to: s.end });
      }
    }
    // Largest first: a file or a section copied whole is one finding, not one per sub-section.
    const ordered = [...groups.values()]
      .filter((g) => g.length > 1)
      .map((g) => ({ g, size: g[0] ? g[0].to - g[0].from : 0 }))
      .sort((a, b) => b.size - a.size || (a.g[0]?.path ?? "").localeCompare(b.g[0]?.path ?? ""));
    const covered = new Map<string, [number, number][]>();
    const isCovered = (c: Copy) => (covered.get(c.path) ?? []).some(([f, t]) => c.from >= f && c.to <= t);
    const cover = (c: Copy) => {
      const list = covered.get(c.path);
      if (list) list.push([c.from, c.to]);
      else covered.set(c.path, [[c.from, c.to]]);
    };
    // The entries of a copy: looked up by file, not by scanning the whole store for every group.
    const byPath = new Map<string, Planned[]>();
    for (const p of planned) {
      const list = byPath.get(p.entry.path);
      if (list) list.push(p);
      else byPath.set(p.entry.path, [p]);
    }
    const within = (c: Copy) =>
      (byPath.get(c.path) ?? []).filter((p) => p.entry.startLine >= c.from && p.entry.endLine <= c.to);
    const ops: ProposedOperation[] = [];
    const listed: ReviewItem[] = [];
    for (const { g } of ordered) {
      const copies = g.filter((c) => !isCovered(c));
      if (copies.length < 2) continue;
      for (const c of copies) cover(c);
      const first = copies[0];
      const siblings = copies.filter(
        (c) =>
          first?.section &&
          c.section &&
          c.path === first.path &&
          c.section.parent === first.section.parent &&
          NAMES_ITS_MOMENT.test(first.section.text),
      );
      const lines = (c: Copy) => files.get(c.path) ?? [];
      if (first && siblings.length === copies.length) {
        const [keep, ...drop] = siblings;
        const keepQuote = keep ? quoteAt(lines(keep), keep.path, keep.from, keep.to) : null;
        if (!keep || !keepQuote) continue;
        ops.push({
          kind: "merge-block",
          targets: [keep.path],
          reason: `the section "${keepQuote.quote}" (${keep.to - keep.from + 1} lines) is written ${siblings.length} times under one heading, equal line for line: kept the first, ${keep.path}:${keep.from}, removed ${drop.map((d) => `${d.path}:${d.from}`).join(", ")}`,
          evidence: [keepQuote, ...drop.flatMap((d) => quoteAt(lines(d), d.path, d.from, d.to) ?? [])],
          changes: drop.map((d) => removalOf(lines(d), d)),
        });
        for (const d of drop) for (const p of within(d)) removed.add(p);
        continue;
      }
      // Listed only: and no line rule may take its lines one at a time.
      for (const c of copies) for (const p of within(c)) held.add(p);
      const what = first?.section
        ? `the section "${(lines(first)[first.from - 1] ?? "").trim()}"`
        : "the same text";
      listed.push({
        kind: "duplicate",
        reason: `${what} (${(first?.to ?? 0) - (first?.from ?? 0) + 1} lines) is in ${copies.length} places, equal line for line: ${copies.map((c) => `${c.path}:${c.from}`).join(", ")}; each may be a record of its own (a backup, a template, another day's), so none is removed`,
        evidence: copies.slice(0, 10).flatMap((c) => quoteAt(lines(c), c.path, c.from, c.to) ?? []),
      });
    }
    review.push(...listed.slice(0, MAX_LISTED));
    if (listed.length > MAX_LISTED)
      notes.push(
        `${listed.length - MAX_LISTED} more duplicated blocks not listed (the largest ${MAX_LISTED} are)`,
      );
    return ops;
  },
};
