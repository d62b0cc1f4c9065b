/**
 * Structure is a code check, not an engine habit: whatever an engine proposes, a change that edits inside
 * code, inline code, a table, html, a blockquote or frontmatter, empties a heading, cuts a lead-in from
 * its list (or its list from it), unbalances a tag pair, or drops an index line whose target exists, is refused here. The note
 * is read as CommonMark + GFM (mdast), before and after the change.
 */

import type { Heading, Nodes, RootContent } from "mdast";
import {
  endsWithColon,
  inlineHtml,
  LIST_ITEM,
  listAfter,
  mayHoldBlocks,
  parseMarkdown,
} from "../memory/markdown.ts";
import { resolveLink } from "./dangling-links.ts";

export const STRUCTURE_RULES = [
  "edit-in-code",
  "edit-in-inline-code",
  "edit-in-table",
  "edit-in-html",
  "edit-in-blockquote",
  "edit-in-frontmatter",
  "heading-emptied",
  "heading-removed",
  "lead-in-orphaned",
  "lead-in-removed",
  "tag-unbalanced",
  "index-line-removed",
] as const;
export type StructureRule = (typeof STRUCTURE_RULES)[number];

export interface LineChange {
  startLine: number;
  endLine: number;
  before: readonly string[];
  after: readonly string[];
}

/** What the checks need of a note, from one parse of it as read. Lines are 1-based. */
export interface NoteStructure {
  /** Lines inside a block nothing may edit, with the rule that protects them. */
  blocks: Map<number, StructureRule>;
  inlineCode: Map<number, string[]>;
  /** Headings that have something of their own under them: the lines of those blocks. */
  headings: { text: string; line: number; own: number[] }[];
  /** Paragraphs ending in ":" directly followed by a list: their lines and the list's. */
  leadIns: { text: string; lines: number[]; list: number[] }[];
  /** Relative link targets on each line. */
  links: Map<number, string[]>;
}

const BLOCK_RULE: Partial<Record<string, StructureRule>> = {
  code: "edit-in-code",
  table: "edit-in-table",
  html: "edit-in-html",
  blockquote: "edit-in-blockquote",
  yaml: "edit-in-frontmatter",
  toml: "edit-in-frontmatter",
};

const textOf = (n: Nodes): string =>
  "value" in n && typeof n.value === "string"
    ? n.value
    : "children" in n
      ? (n.children as Nodes[]).map(textOf).join("")
      : "";

const span = (n: Nodes): number[] => {
  const from = n.position?.start.line ?? 0;
  const to = n.position?.end.line ?? 0;
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
};

// A tag as agents write them around instructions: <important>, </rules>, not <br/> or a comparison.
const TAG = /<(\/?)([A-Za-z][\w-]{0,40})(?:\s[^<>\n]{0,200})?(\/?)>/g;

/** Opening minus closing tags, by name, in some lines of text. */
export function tagBalance(lines: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of lines.join("\n").matchAll(TAG)) {
    if (m[3]) continue;
    const name = (m[2] ?? "").toLowerCase();
    out.set(name, (out.get(name) ?? 0) + (m[1] ? -1 : 1));
  }
  return out;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]{0,31}:|#|\/)/i;

const emptyStructure = (): NoteStructure => ({
  blocks: new Map(),
  inlineCode: new Map(),
  headings: [],
  leadIns: [],
  links: new Map(),
});
const INDEX = /(^|\/)(MEMORY|_index|index)\.md$/i;

// A line that is only a tag ("</relevant-memories>") closes a wrapper; it is nothing the list says.
const TAG_ONLY = /^\s*<\/?[A-Za-z][\w-]*>\s*$/;
/** The non-blank lines of `ls`: a loose list spans the blank lines between its items, it holds the others. */
const filled = (lines: readonly string[], ls: number[]) => ls.filter((l) => (lines[l - 1] ?? "").trim());
/** What a lead-in's list holds: its lines that are not only a tag, so a list cut to its closing tag counts as gone. */
const itemLines = (lines: readonly string[], list: number[]) =>
  list.filter((l) => !TAG_ONLY.test(lines[l - 1] ?? ""));

/** An ATX heading as CommonMark reads it (up to three spaces before it), its level in group 1. */
export const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(\S.*)?)?$/;
const MARKDOWN = /\.(?:md|markdown)$/i;

/**
 * The same facts read line by line, for a note with no code, tables, html, blockquotes, code spans,
 * setext headings or frontmatter (mayHoldBlocks is false): only ATX headings, paragraphs and lists are
 * left, and a full parse of many large notes cost seconds per dream.
 */
function plainStructureOf(lines: readonly string[]): NoteStructure {
  const s = emptyStructure();
  const heads = lines.flatMap((l, i) => {
    const m = ATX_HEADING.exec(l);
    return m?.[1] ? [{ line: i + 1, depth: m[1].length, text: (m[2] ?? "").trim() }] : [];
  });
  heads.forEach((h, k) => {
    const end = heads.slice(k + 1).find((n) => n.depth <= h.depth)?.line ?? lines.length + 1;
    const own = filled(lines, range(h.line + 1, end - 1));
    if (own.length) s.headings.push({ text: h.text, line: h.line, own });
  });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!endsWithColon(line) || LIST_ITEM.test(line) || ATX_HEADING.test(line)) continue;
    let start = i;
    while (
      start > 0 &&
      (lines[start - 1] ?? "").trim() &&
      !LIST_ITEM.test(lines[start - 1] ?? "") &&
      !ATX_HEADING.test(lines[start - 1] ?? "")
    )
      start--;
    const first = listAfter(lines, i);
    if (first === null) continue;
    // Blank lines may stand between loose items too.
    let end = first + 1;
    for (let k = first + 1, blank = false; k < lines.length; k++) {
      const t = lines[k] ?? "";
      if (!t.trim()) blank = true;
      else if (ATX_HEADING.test(t) || (blank && !LIST_ITEM.test(t) && !/^\s/.test(t))) break;
      else {
        blank = false;
        end = k + 1;
      }
    }
    const list = itemLines(lines, filled(lines, range(first + 1, end)));
    s.leadIns.push({ text: line.trim(), lines: range(start + 1, i + 1), list });
  }
  return s;
}

export function structureOf(source: string, path = ""): NoteStructure {
  // Index files are always parsed: their links are what the index rule reads.
  const lines = source.split("\n");
  if (!mayHoldBlocks(source) && !INDEX.test(path)) return plainStructureOf(lines);
  const root = parseMarkdown(source);
  const s = emptyStructure();
  const visit = (n: Nodes, parent: string) => {
    const rule = inlineHtml(n, parent) ? undefined : BLOCK_RULE[n.type];
    if (rule) for (const l of span(n)) if (!s.blocks.has(l)) s.blocks.set(l, rule);
    const line = n.position?.start.line ?? 0;
    if (n.type === "inlineCode") s.inlineCode.set(line, [...(s.inlineCode.get(line) ?? []), n.value]);
    if (n.type === "link" && !EXTERNAL.test(n.url)) {
      const target = n.url.split("#")[0] ?? "";
      if (target) s.links.set(line, [...(s.links.get(line) ?? []), target]);
    }
    if (!("children" in n)) return;
    const kids = n.children as Nodes[];
    kids.forEach((k, i) => {
      const next = kids[i + 1];
      if (k.type === "paragraph" && next?.type === "list" && textOf(k).trimEnd().endsWith(":")) {
        s.leadIns.push({
          text: textOf(k).trim(),
          lines: span(k),
          list: itemLines(lines, filled(lines, span(next))),
        });
      }
      visit(k, n.type);
    });
  };
  visit(root, "");
  const blocks = root.children as RootContent[];
  blocks.forEach((b, i) => {
    if (b.type !== "heading") return;
    const depth = (b as Heading).depth;
    // What a heading holds: every block up to the next heading of its level or above, sub-headings and
    // their content included (a sub-heading that goes with its last line must not leave this one empty).
    const own: number[] = [];
    for (let j = i + 1; j < blocks.length; j++) {
      const next = blocks[j] as Nodes;
      if (next.type === "heading" && (next as Heading).depth <= depth) break;
      own.push(...filled(lines, span(next)));
    }
    if (own.length) s.headings.push({ text: textOf(b).trim(), line: b.position?.start.line ?? 0, own });
  });
  return s;
}

export interface Violation {
  rule: StructureRule;
  detail: string;
}

/**
 * Why `change` (in base line numbers) may not touch `base`, line by line: protected blocks, inline code
 * and tag balance. A removal of whole lines outside blocks is not an edit inside inline code; a rewrite
 * that loses a code span is.
 */
export function lineViolation(
  path: string,
  base: NoteStructure,
  change: LineChange,
  wholeBlocks = false,
): Violation | null {
  const last = Math.max(change.endLine, change.startLine);
  // An insertion (endLine = startLine - 1) between two lines of a block lands inside it.
  const from = change.endLine < change.startLine ? change.startLine - 1 : change.startLine;
  for (let l = from; l <= last; l++) {
    const rule = base.blocks.get(l);
    const inside = change.endLine >= change.startLine || base.blocks.get(l + 1) === rule;
    if (rule && inside && wholeBlocks && change.after.length === 0) {
      // A section removed whole takes its tables and code whole: nothing of them is edited or left.
      let a = l;
      let b = l;
      while (base.blocks.get(a - 1) === rule) a--;
      while (base.blocks.get(b + 1) === rule) b++;
      if (a >= change.startLine && b <= change.endLine) {
        l = b;
        continue;
      }
    }
    if (rule && inside)
      return { rule, detail: `${path}:${l} is inside a ${rule.slice("edit-in-".length)} block` };
  }
  const was = tagBalance(change.before);
  const now = tagBalance(change.after);
  for (const name of new Set([...was.keys(), ...now.keys()])) {
    if ((was.get(name) ?? 0) !== (now.get(name) ?? 0)) {
      return {
        rule: "tag-unbalanced",
        detail: `${path}:${change.startLine}: <${name}> would open and close a different number of times`,
      };
    }
  }
  if (change.after.length === 0) return null;
  const kept = change.after.join("\n");
  for (let l = change.startLine; l <= change.endLine; l++) {
    const lost = (base.inlineCode.get(l) ?? []).find((code) => !kept.includes(code));
    if (lost !== undefined)
      return { rule: "edit-in-inline-code", detail: `${path}:${l} rewrites inline code \`${lost}\`` };
  }
  return null;
}

/**
 * Whole-note rules, from the base structure and the lines removed so far (by this operation and the ones
 * accepted before it); a line replaced by other text is not removed.
 */
export function noteViolation(
  path: string,
  base: NoteStructure,
  removed: ReadonlySet<number>,
  exists: (target: string) => boolean,
): Violation | null {
  const gone = (lines: readonly number[]) => lines.every((l) => removed.has(l));
  // A heading removed with all it holds is not left empty: it is gone.
  const emptied = base.headings.find((h) => gone(h.own) && !removed.has(h.line));
  if (emptied)
    return {
      rule: "heading-emptied",
      detail: `${path}:${emptied.line}: heading "${emptied.text}" would have nothing under it`,
    };
  // A heading goes only with all it holds: otherwise what stays moves into the section above.
  const bared = base.headings.find((h) => removed.has(h.line) && !gone(h.own));
  if (bared)
    return {
      rule: "heading-removed",
      detail: `${path}:${bared.line}: heading "${bared.text}" would go while entries under it stay`,
    };
  const orphaned = base.leadIns.find((x) => gone(x.list) && !gone(x.lines));
  if (orphaned)
    return {
      rule: "lead-in-orphaned",
      detail: `${path}: "${orphaned.text.slice(0, 80)}" would lose the list it introduces`,
    };
  // The other way round: its list would read as the list of the lead-in or heading above.
  const cut = base.leadIns.find((x) => gone(x.lines) && !gone(x.list));
  if (cut)
    return {
      rule: "lead-in-removed",
      detail: `${path}: "${cut.text.slice(0, 80)}" would go while the list it introduces stays`,
    };
  if (INDEX.test(path)) {
    const stillLinked = new Set([...base.links].filter(([l]) => !removed.has(l)).flatMap(([, t]) => t));
    for (const l of removed) {
      const live = (base.links.get(l) ?? []).find((t) => {
        const target = stillLinked.has(t) ? null : resolveLink(t, path);
        return target !== null && exists(target);
      });
      if (live)
        return { rule: "index-line-removed", detail: `${path}:${l} links ${live}, which still exists` };
    }
  }
  return null;
}

/**
 * The structure rules over a dream's operations, in order: each operation is judged on the note as the
 * operations accepted before it left it, so two removals that together empty a heading are caught too.
 * One parse per note touched.
 */
export function createStructureGuard(
  notes: ReadonlyMap<string, readonly string[]>,
  exists: (path: string) => boolean,
) {
  const base = new Map<string, NoteStructure>();
  const removedSoFar = new Map<string, Set<number>>();
  const baseOf = (path: string, lines: readonly string[]) => {
    let s = base.get(path);
    if (!s) {
      // A plain-text note has no Markdown blocks, but its headings and lead-ins read the same: the engine
      // sees them, and a list removed from under its lead-in reads no better in a .txt file.
      s = MARKDOWN.test(path) ? structureOf(lines.join("\n"), path) : plainStructureOf(lines);
      base.set(path, s);
    }
    return s;
  };
  const removedBy = (c: LineChange) => (c.after.length === 0 ? range(c.startLine, c.endLine) : []);
  return {
    /** `wholeBlocks`: a removal may take a table or code block whole (a merge-block's section). */
    violation(changes: readonly (LineChange & { path: string })[], wholeBlocks = false): Violation | null {
      const byPath = new Map<string, LineChange[]>();
      for (const c of changes) byPath.set(c.path, [...(byPath.get(c.path) ?? []), c]);
      for (const [path, own] of byPath) {
        const lines = notes.get(path);
        // A new file has no structure to keep.
        if (!lines) continue;
        const before = baseOf(path, lines);
        for (const c of own) {
          const v = lineViolation(path, before, c, wholeBlocks);
          if (v) return v;
        }
        const removed = new Set([...(removedSoFar.get(path) ?? []), ...own.flatMap(removedBy)]);
        const v = noteViolation(path, before, removed, exists);
        if (v) return v;
      }
      return null;
    },
    accept(changes: readonly (LineChange & { path: string })[]): void {
      for (const c of changes) {
        const set = removedSoFar.get(c.path) ?? new Set<number>();
        for (const l of removedBy(c)) set.add(l);
        removedSoFar.set(c.path, set);
      }
    },
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
