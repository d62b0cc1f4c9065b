import { describe, expect, it } from "vitest";
import { normalizeEntry, parseEntries } from "./entries.ts";

describe("parseEntries", () => {
  it("reads a line right under an item's text as part of the item, as CommonMark does, unless it starts a block", () => {
    const text =
      "- keys live in the env file\nRule: never overwrite it\n- second\n## Next\n- third\n> quoted\n";
    const { entries } = parseEntries("a.md", text);
    expect(entries.map((e) => [e.kind, e.startLine, e.endLine])).toEqual([
      ["bullet", 1, 2],
      ["bullet", 3, 3],
      ["bullet", 5, 5],
      ["paragraph", 6, 6],
    ]);
  });

  it("splits bullets (with continuations and nested items) and paragraphs; skips structure", () => {
    const text = [
      "---",
      "name: x",
      "date: 2026-03-02",
      "---",
      "# Title",
      "",
      "- first",
      "  continued",
      "  - nested",
      "- second",
      "",
      "A paragraph",
      "over two lines.",
      "",
      "```",
      "- not an entry",
      "```",
      "---",
      "1. numbered",
      "",
    ].join("\n");
    const { entries, frontmatter } = parseEntries("topic.md", text);
    expect(frontmatter).toEqual({ name: "x", date: "2026-03-02" });
    expect(entries.map((e) => [e.kind, e.startLine, e.endLine])).toEqual([
      ["bullet", 7, 9],
      ["bullet", 10, 10],
      ["paragraph", 12, 13],
      ["bullet", 19, 19],
    ]);
    expect(entries.every((e) => e.writtenOn === "2026-03-02" && e.dateSource === "frontmatter")).toBe(true);
  });

  it("dates entries from the most specific source and ignores impossible dates", () => {
    const { entries } = parseEntries(
      "notes/2026-03-05.md",
      "- a\n## 2026-03-07\n- b\n- 2026-03-08: c\n## 2026-02-31\n- d\n",
    );
    expect(entries.map((e) => [e.writtenOn, e.dateSource])).toEqual([
      ["2026-03-05", "filename"],
      ["2026-03-07", "heading"],
      ["2026-03-08", "inline"],
      ["2026-03-05", "filename"],
    ]);
  });

  it("has no date without a reliable source (updated: is not one)", () => {
    const { entries } = parseEntries("topic.md", "---\nupdated: 2026-03-09\n---\n- a\n");
    expect(entries[0]?.writtenOn).toBeNull();
  });
});

describe("normalizeEntry", () => {
  it("folds case, emphasis, quotes and trailing punctuation but keeps numbers and checkboxes", () => {
    expect(normalizeEntry(["- **Use** `pnpm`, not “npm”."])).toBe(normalizeEntry(['* use pnpm, not "npm"']));
    expect(normalizeEntry(["- v1.2"])).not.toBe(normalizeEntry(["- v1.3"]));
    expect(normalizeEntry(["- [ ] ship"])).not.toBe(normalizeEntry(["- [x] ship"]));
  });
});
