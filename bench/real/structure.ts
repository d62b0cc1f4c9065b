// The bench's own reading of a note's structure, from a CommonMark + GFM parse (mdast). It is kept apart
// from dreamd's code on purpose: the harm counters must not trust the checks they measure.
import type { Heading, Nodes, Root, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { frontmatter } from "micromark-extension-frontmatter";
import { gfm } from "micromark-extension-gfm";

export interface Structure {
  /** 1-based lines inside fenced or indented code, tables, html blocks and blockquotes. */
  blockProtected: Set<number>;
  /** Inline code spans by 1-based line. */
  inlineCode: Map<number, string[]>;
  /** Headings as `depth text`, with whether something other than a heading of the same or a higher level follows. */
  headings: { key: string; line: number; hasContent: boolean }[];
  /** Paragraphs ending in ":" (their text) and whether a list follows them directly. */
  leadIns: { text: string; line: number; listFollows: boolean; lines: number[]; list: number[] }[];
}

const text = (node: Nodes): string =>
  "value" in node && typeof node.value === "string"
    ? node.value
    : "children" in node
      ? (node.children as Nodes[]).map(text).join("")
      : "";

const startLine = (n: Nodes) => n.position?.start.line ?? 0;
const endLine = (n: Nodes) => n.position?.end.line ?? 0;
const span = (n: Nodes) => Array.from({ length: endLine(n) - startLine(n) + 1 }, (_, i) => startLine(n) + i);

export function parse(source: string): Root {
  return fromMarkdown(source, {
    extensions: [gfm(), frontmatter(["yaml", "toml"])],
    mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown(["yaml", "toml"])],
  });
}

export function structureOf(source: string): Structure {
  const root = parse(source);
  const lines = source.split("\n");
  const s: Structure = { blockProtected: new Set(), inlineCode: new Map(), headings: [], leadIns: [] };
  const protect = (n: Nodes) => {
    for (let l = startLine(n); l <= endLine(n); l++) s.blockProtected.add(l);
  };
  const visit = (n: Nodes) => {
    if (n.type === "code" || n.type === "table" || n.type === "html" || n.type === "blockquote") protect(n);
    if (n.type === "inlineCode") {
      const l = startLine(n);
      s.inlineCode.set(l, [...(s.inlineCode.get(l) ?? []), n.value]);
    }
    if ("children" in n) {
      const kids = n.children as Nodes[];
      kids.forEach((k, i) => {
        if (k.type === "paragraph" && text(k).trimEnd().endsWith(":")) {
          s.leadIns.push({
            text: text(k).trim(),
            line: startLine(k),
            listFollows: kids[i + 1]?.type === "list",
            lines: span(k),
            // A loose list spans blank lines; what it holds is its other lines.
            list:
              kids[i + 1]?.type === "list"
                ? span(kids[i + 1] as Nodes).filter((l) => lines[l - 1]?.trim())
                : [],
          });
        }
        visit(k);
      });
    }
  };
  visit(root);
  const blocks = root.children as RootContent[];
  blocks.forEach((b, i) => {
    if (b.type !== "heading") return;
    const h = b as Heading;
    const next = blocks[i + 1];
    const hasContent = next !== undefined && !(next.type === "heading" && (next as Heading).depth <= h.depth);
    s.headings.push({ key: `${h.depth} ${text(h).trim()}`, line: startLine(h), hasContent });
  });
  return s;
}

/** Opening minus closing tags, by tag name, outside code (html-ish tags agents write: <important>…</important>). */
export function tagBalance(source: string): Map<string, number> {
  const root = parse(source);
  const out = new Map<string, number>();
  const count = (raw: string) => {
    for (const m of raw.matchAll(/<(\/?)([A-Za-z][\w-]{0,40})(?:\s[^<>]{0,200})?(\/?)>/g)) {
      if (m[3]) continue; // self-closing
      const name = (m[2] ?? "").toLowerCase();
      out.set(name, (out.get(name) ?? 0) + (m[1] ? -1 : 1));
    }
  };
  const visit = (n: Nodes) => {
    if (n.type === "html") count(n.value);
    else if (n.type === "text") count(n.value);
    if ("children" in n) for (const k of n.children as Nodes[]) visit(k);
  };
  visit(root);
  return out;
}

/** Relative link targets of a Markdown file, by the 1-based line they stand on. */
export function linksOf(source: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  const visit = (n: Nodes) => {
    if (n.type === "link" && !/^[a-z][a-z0-9+.-]*:|^#|^\//i.test(n.url)) {
      out.push({ line: startLine(n), target: decodeURIComponent(n.url.split("#")[0] ?? "") });
    }
    if ("children" in n) for (const k of n.children as Nodes[]) visit(k);
  };
  visit(parse(source));
  return out.filter((l) => l.target);
}
