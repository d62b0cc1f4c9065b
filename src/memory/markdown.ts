/**
 * A note read as CommonMark + GFM (mdast, with YAML/TOML frontmatter): which lines belong to blocks that
 * are not the agent's prose — code, tables, html, blockquotes, frontmatter. Rules leave those alone; the
 * checks refuse any change inside them whatever an engine proposes.
 */
import type { Nodes, Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { frontmatter } from "micromark-extension-frontmatter";
import { gfm } from "micromark-extension-gfm";

/** `unparsed`: a note with a line too long to parse in bounded time; no rule touches any of it. */
export type BlockKind = "code" | "table" | "html" | "blockquote" | "frontmatter" | "unparsed";

/**
 * A line that could open a code block, a table, html, a blockquote, or frontmatter at the top; in a list
 * item too ("- > quoted", "- <div>", "-     indented code").
 */
const MAY_HOLD_BLOCKS =
  /^(?: {0,3}(?:`{3}|~{3}|>|<|---|\+\+\+|===)| {4}|\t|[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:[<>]|~~~|[ \t]{3}))|\||`/m;

/** Whether a note needs the full parse: it may hold blocks, code spans, setext headings or frontmatter. */
export const mayHoldBlocks = (source: string) => MAY_HOLD_BLOCKS.test(source);
/** An ATX heading line as the line readers see it, its level in group 1. */
export const ATX = /^(#{1,6})\s/;
/** A list item's first line: a bullet or a number, then white space. */
export const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s/;

/** Whether a line ends in ":" as its text reads, emphasis aside ("**Phrases covered:**"). */
export function endsWithColon(line: string): boolean {
  let end = line.length;
  // A loop, not a pattern anchored at the end, which would rescan a long run of "*" from every position.
  while (end > 0 && "*_ \t".includes(line.charAt(end - 1))) end--;
  return line.charAt(end - 1) === ":";
}

/**
 * The 0-based index of the list item that starts the list right after line `index` (0-based), or null:
 * as CommonMark reads it, blank lines may stand between a lead-in and its list. The offline engine and
 * the structure checks read lead-ins with this one rule, so one never proposes what the other refuses.
 */
export function listAfter(lines: readonly string[], index: number): number | null {
  let next = index + 1;
  while (next < lines.length && !(lines[next] ?? "").trim()) next++;
  return LIST_ITEM.test(lines[next] ?? "") ? next : null;
}

/** Past this a line is data, not prose, and the parser's cost on it is not bounded well enough. */
const LONGEST_LINE = 4096;

// "toml" is a node type of the frontmatter extension that mdast's own types do not list.
const KIND: Partial<Record<string, BlockKind>> = {
  code: "code",
  table: "table",
  html: "html",
  blockquote: "blockquote",
  yaml: "frontmatter",
  toml: "frontmatter",
};

/**
 * A tag inside a line of prose ("use <b>bold</b>", "<important>ask first") is not an html block: the
 * line stays prose, and the checks keep its tags balanced instead.
 */
export const inlineHtml = (n: Nodes, parent: string) => n.type === "html" && !FLOW.has(parent);
const FLOW = new Set(["root", "listItem", "blockquote", "footnoteDefinition"]);

export function parseMarkdown(source: string): Root {
  return fromMarkdown(source, {
    extensions: [gfm(), frontmatter(["yaml", "toml"])],
    mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown(["yaml", "toml"])],
  });
}

/**
 * Past frontmatter, a character that no protected block can do without: code, tables, html and
 * blockquotes need one of these somewhere on their lines (in a list item too: "- > quote", "-     code").
 * Stricter than MAY_HOLD_BLOCKS, which reads only line starts for some of them.
 */
const BLOCK_CHAR = /[<>|`\t]|~~~| {4}/;

/**
 * For a note that is frontmatter then plain prose, the last line of its frontmatter (1-based), as the full
 * parse reads it; else null. A note's frontmatter alone made the whole note be parsed, and for a note of
 * a few MB the parse's tokens came to hundreds of MB. The frontmatter ends the same way whatever
 * follows it, so only the frontmatter is parsed, and what follows it, holding no BLOCK_CHAR, can hold no
 * protected block: the full parse would find exactly these lines.
 */
function frontmatterOnly(source: string, lines: readonly string[]): number | null {
  const fence = lines[0];
  if (fence !== "---" && fence !== "+++") return null;
  const close = lines.indexOf(fence, 1);
  if (close < 0) return null;
  const head = `${lines.slice(0, close + 1).join("\n")}\n`;
  if (BLOCK_CHAR.test(source.slice(head.length))) return null;
  // The parse decides: a closing fence it reads sooner (say "--- "), or none, leaves this to the full parse.
  const matter = parseMarkdown(head).children[0];
  const kind = matter && KIND[matter.type];
  return kind === "frontmatter" &&
    matter?.position?.start.line === 1 &&
    matter.position.end.line === close + 1
    ? close + 1
    : null;
}

/** The block kind of every 1-based line inside such a block (the outermost block wins). */
export function protectedLines(source: string): Map<number, BlockKind> {
  const out = new Map<number, BlockKind>();
  const lines = source.split("\n");
  if (lines.some((l) => l.length > LONGEST_LINE)) {
    for (let l = 1; l <= lines.length; l++) out.set(l, "unparsed");
    return out;
  }
  // Most notes are headings, lists and paragraphs only: nothing to protect, and no parse to pay for.
  if (!MAY_HOLD_BLOCKS.test(source)) return out;
  const matter = frontmatterOnly(source, lines);
  if (matter) {
    for (let l = 1; l <= matter; l++) out.set(l, "frontmatter");
    return out;
  }
  const visit = (n: Nodes, parent: string) => {
    const kind = inlineHtml(n, parent) ? undefined : KIND[n.type];
    if (kind && n.position) {
      for (let l = n.position.start.line; l <= n.position.end.line; l++) if (!out.has(l)) out.set(l, kind);
      return;
    }
    if ("children" in n) for (const k of n.children as Nodes[]) visit(k, n.type);
  };
  visit(parseMarkdown(source), "");
  return out;
}
