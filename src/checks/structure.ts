/**
 * Structure is a code check, not an engine habit: whatever an engine proposes, a change that edits inside
 * code, inline code, a table, html, a blockquote or frontmatter, empties a heading, cuts a lead-in from
 * its list, unbalances a tag pair, or drops an index line whose target exists, is refused here. The note
 * is read as CommonMark + GFM (mdast), before and after the change.
 */
import { posix } from "node:path";
import type { Heading, Nodes, RootContent } from "mdast";
import { inlineHtml, parseMarkdown } from "../memory/markdown.ts";

export const STRUCTURE_RULES = [
  "edit-in-code",
  "edit-in-inline-code",
  "edit-in-table",
  "edit-in-html",
  "edit-in-blockquote",
  "edit-in-frontmatter",
  "heading-emptied",
  "lead-in-orphaned",
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

/** What the checks need of one version of a note. */
export interface NoteStructure {
  /** Lines (1-based) inside a block nothing may edit, with the rule that protects them. */
  blocks: Map<number, StructureRule>;
  inlineCode: Map<number, string[]>;
  /** `depth text` of each heading and whether something belongs to it. */
  headings: { key: string; hasContent: boolean }[];
  /** Text of each paragraph ending in ":" and whether a list follows it directly. */
  leadIns: { key: string; listFollows: boolean }[];
  tags: Map<string, number>;
  /** Relative link targets on each line. */
  links: Map<number, string[]>;
}

// "toml" is a node type of the frontmatter extension that mdast's own types do not list.
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

// A tag as agents write them around instructions: <important>, </rules>, not <br/> or a comparison.
const TAG = /<(\/?)([A-Za-z][\w-]{0,40})(?:\s[^<>\n]{0,200})?(\/?)>/g;

function countTags(raw: string, into: Map<string, number>): void {
  for (const m of raw.matchAll(TAG)) {
    if (m[3]) continue;
    const name = (m[2] ?? "").toLowerCase();
    into.set(name, (into.get(name) ?? 0) + (m[1] ? -1 : 1));
  }
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]{0,31}:|#|\/)/i;

export function structureOf(source: string): NoteStructure {
  const root = parseMarkdown(source);
  const s: NoteStructure = {
    blocks: new Map(),
    inlineCode: new Map(),
    headings: [],
    leadIns: [],
    tags: new Map(),
    links: new Map(),
  };
  const visit = (n: Nodes, parent: string) => {
    const rule = inlineHtml(n, parent) ? undefined : BLOCK_RULE[n.type];
    if (rule && n.position) {
      for (let l = n.position.start.line; l <= n.position.end.line; l++)
        if (!s.blocks.has(l)) s.blocks.set(l, rule);
    }
    const line = n.position?.start.line ?? 0;
    if (n.type === "inlineCode") s.inlineCode.set(line, [...(s.inlineCode.get(line) ?? []), n.value]);
    if (n.type === "html" || n.type === "text") countTags(n.value, s.tags);
    if (n.type === "link" && !EXTERNAL.test(n.url)) {
      const target = n.url.split("#")[0] ?? "";
      if (target) s.links.set(line, [...(s.links.get(line) ?? []), target]);
    }
    if (!("children" in n)) return;
    const kids = n.children as Nodes[];
    kids.forEach((k, i) => {
      if (k.type === "paragraph" && textOf(k).trimEnd().endsWith(":")) {
        s.leadIns.push({ key: textOf(k).trim(), listFollows: kids[i + 1]?.type === "list" });
      }
      visit(k, n.type);
    });
  };
  visit(root, "");
  const blocks = root.children as RootContent[];
  blocks.forEach((b, i) => {
    if (b.type !== "heading") return;
    const next = blocks[i + 1];
    const depth = (b as Heading).depth;
    const hasContent = next !== undefined && !(next.type === "heading" && (next as Heading).depth <= depth);
    s.headings.push({ key: `${depth} ${textOf(b).trim()}`, hasContent });
  });
  return s;
}

function counts<T>(items: readonly T[], key: (t: T) => string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of items) {
    const k = key(t);
    if (k !== null) out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** More of `key` in `after` than in `before`. */
const grew = (before: Map<string, number>, after: Map<string, number>) =>
  [...after].find(([k, n]) => n > (before.get(k) ?? 0))?.[0] ?? null;

function decoded(target: string): string {
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
}

export interface Violation {
  rule: StructureRule;
  detail: string;
}

/**
 * Why `change` (in base line numbers) may not touch `base`, line by line: protected blocks and inline
 * code. A removal of whole lines outside blocks is not an edit inside inline code; a rewrite that loses
 * a code span is.
 */
export function lineViolation(path: string, base: NoteStructure, change: LineChange): Violation | null {
  const last = Math.max(change.endLine, change.startLine);
  // An insertion (endLine = startLine - 1) between two lines of a block lands inside it.
  const from = change.endLine < change.startLine ? change.startLine - 1 : change.startLine;
  for (let l = from; l <= last; l++) {
    const rule = base.blocks.get(l);
    const inside = change.endLine >= change.startLine || base.blocks.get(l + 1) === rule;
    if (rule && inside)
      return { rule, detail: `${path}:${l} is inside a ${rule.slice("edit-in-".length)} block` };
  }
  if (change.after.length === 0) return null;
  const kept = change.after.join("\n");
  for (let l = change.startLine; l <= change.endLine; l++) {
    const lost = (base.inlineCode.get(l) ?? []).find(
      (code) => !kept.includes(`\`${code}\``) && !kept.includes(code),
    );
    if (lost !== undefined)
      return { rule: "edit-in-inline-code", detail: `${path}:${l} rewrites inline code \`${lost}\`` };
  }
  return null;
}

/** Whole-note comparisons of the note before all changes and after them. */
export function noteViolation(
  path: string,
  base: NoteStructure,
  after: NoteStructure,
  exists: (target: string) => boolean,
  removedLines: readonly number[],
): Violation | null {
  const emptied = grew(
    counts(base.headings, (h) => (h.hasContent ? null : h.key)),
    counts(after.headings, (h) => (h.hasContent ? null : h.key)),
  );
  if (emptied)
    return {
      rule: "heading-emptied",
      detail: `${path}: heading "${emptied.slice(2)}" would have nothing under it`,
    };
  const orphaned = grew(
    counts(base.leadIns, (x) => (x.listFollows ? null : x.key)),
    counts(after.leadIns, (x) => (x.listFollows ? null : x.key)),
  );
  if (orphaned)
    return {
      rule: "lead-in-orphaned",
      detail: `${path}: "${orphaned.slice(0, 80)}" would lose the list it introduces`,
    };
  for (const name of new Set([...base.tags.keys(), ...after.tags.keys()])) {
    if ((base.tags.get(name) ?? 0) !== (after.tags.get(name) ?? 0)) {
      return {
        rule: "tag-unbalanced",
        detail: `${path}: <${name}> would open and close a different number of times`,
      };
    }
  }
  if (/(^|\/)(MEMORY|_index|index)\.md$/i.test(path)) {
    const dir = posix.dirname(path);
    const stillLinked = new Set([...after.links.values()].flat());
    for (const l of removedLines) {
      const live = (base.links.get(l) ?? []).find(
        (t) => !stillLinked.has(t) && exists(posix.normalize(posix.join(dir, decoded(t)))),
      );
      if (live)
        return { rule: "index-line-removed", detail: `${path}:${l} links ${live}, which still exists` };
    }
  }
  return null;
}

/**
 * The structure rules over a dream's operations, in order: each operation is judged on the note as the
 * operations accepted before it left it, so two removals that together empty a heading are caught too.
 */
export function createStructureGuard(
  notes: ReadonlyMap<string, readonly string[]>,
  exists: (path: string) => boolean,
) {
  const base = new Map<string, NoteStructure>();
  const accepted = new Map<string, LineChange[]>();
  const baseOf = (path: string, lines: readonly string[]) => {
    let s = base.get(path);
    if (!s) {
      s = structureOf(lines.join("\n"));
      base.set(path, s);
    }
    return s;
  };
  return {
    violation(changes: readonly (LineChange & { path: string })[]): Violation | null {
      const byPath = new Map<string, LineChange[]>();
      for (const c of changes) byPath.set(c.path, [...(byPath.get(c.path) ?? []), c]);
      for (const [path, own] of byPath) {
        const lines = notes.get(path);
        // New files, and plain-text notes (read with the plain reader), have no Markdown structure to keep.
        if (!lines || !/\.(md|markdown)$/i.test(path)) continue;
        const before = baseOf(path, lines);
        for (const c of own) {
          const v = lineViolation(path, before, c);
          if (v) return v;
        }
        const after = structureOf(applied(lines, [...(accepted.get(path) ?? []), ...own]).join("\n"));
        const touched = own.flatMap((c) => range(c.startLine, c.endLine));
        const v = noteViolation(path, before, after, exists, touched);
        if (v) return v;
      }
      return null;
    },
    accept(changes: readonly (LineChange & { path: string })[]): void {
      for (const c of changes) accepted.set(c.path, [...(accepted.get(c.path) ?? []), c]);
    },
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** Non-overlapping changes in base line numbers, applied bottom-up so earlier numbers stay valid. */
function applied(lines: readonly string[], changes: readonly LineChange[]): string[] {
  const out = [...lines];
  for (const c of [...changes].sort((a, b) => b.startLine - a.startLine)) {
    out.splice(c.startLine - 1, c.endLine - c.startLine + 1, ...c.after);
  }
  return out;
}
