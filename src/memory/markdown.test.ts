import type { Nodes } from "mdast";
import { describe, expect, it } from "vitest";
import { type BlockKind, inlineHtml, parseMarkdown, protectedLines } from "./markdown.ts";

const KIND: Partial<Record<string, BlockKind>> = {
  code: "code",
  table: "table",
  html: "html",
  blockquote: "blockquote",
  yaml: "frontmatter",
  toml: "frontmatter",
};

/** What the full parse protects, read straight off the tree: what every shortcut must agree with. */
function fullParse(source: string): [number, BlockKind][] {
  const out = new Map<number, BlockKind>();
  const visit = (n: Nodes, parent: string) => {
    const kind = inlineHtml(n, parent) ? undefined : KIND[n.type];
    if (kind && n.position) {
      for (let l = n.position.start.line; l <= n.position.end.line; l++) if (!out.has(l)) out.set(l, kind);
      return;
    }
    if ("children" in n) for (const k of n.children as Nodes[]) visit(k, n.type);
  };
  visit(parseMarkdown(source), "");
  return [...out];
}

describe("protectedLines", () => {
  const matter = "---\nname: x\ntype: project\n---\n";
  it.each([
    ["frontmatter then prose", `${matter}# Title\n\n- one\n- two\n\nA paragraph.\n`],
    ["toml frontmatter", "+++\nname = 'x'\n+++\n- one\n"],
    ["a blockquote in a list item", `${matter}- > quoted\n- plain\n`],
    ["indented code in a list item", `${matter}-     code\n`],
    ["a fence with tildes in a list item", `${matter}- ~~~\n  x\n  ~~~\n`],
    ["html in a list item", `${matter}- <div>\n  x\n`],
    ["a table", `${matter}| a | b |\n| - | - |\n| 1 | 2 |\n`],
    ["a closing fence with trailing space first", "---\nname: x\n--- \nmore: y\n---\n- one\n"],
    ["frontmatter never closed", "---\nname: x\n- one\n"],
    ["a thematic break right after", `${matter}---\n- one\n`],
    ["CRLF line endings", "---\r\nname: x\r\n---\r\n- one\r\n"],
    // Without frontmatter: the quick test for "may hold blocks" must see blocks inside list items too.
    ["a blockquote in a list item, no frontmatter", "- > quoted\n- plain\n"],
    ["indented code in a list item, no frontmatter", "- plain\n-     code\n"],
    ["html in a list item, no frontmatter", "1. <div>\n   x\n"],
    ["a tilde fence in a list item, no frontmatter", "* ~~~\n  run tomorrow\n  ~~~\n"],
  ])("agrees with the full parse: %s", (_, source) => {
    expect([...protectedLines(source)]).toEqual(fullParse(source));
  });
});
