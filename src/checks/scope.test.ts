import { describe, expect, it } from "vitest";
import { matchesGlob, outsideScope, scopeOf } from "./scope.ts";

describe("dream instructions: focus and leave", () => {
  it("reads the structured lines, whatever surrounds them", () => {
    expect(
      scopeOf("Be conservative.\nleave: people/ notes/2026-*.md\nFocus: projects/**, MEMORY.md\nleave:"),
    ).toEqual({ focus: ["projects/**", "MEMORY.md"], leave: ["people/", "notes/2026-*.md"] });
    expect(scopeOf(undefined)).toEqual({ focus: [], leave: [] });
  });

  it("matches globs: folders, *, **, ?", () => {
    const cases: [string, string, boolean][] = [
      ["people/ann.md", "people/", true],
      ["people/ann.md", "people", true],
      ["peoples/ann.md", "people", false],
      ["people/a/b.md", "people/*", true], // people/a is a folder the glob names: all below it too
      ["people/a/b.md", "people/*.md", false],
      ["people/a/b.md", "people/**", true],
      ["people", "people/**", false],
      ["notes/2026-03-02.md", "notes/2026-*.md", true],
      ["notes/2025-03-02.md", "notes/2026-*.md", false],
      ["a/b/c.md", "**/c.md", true],
      ["c.md", "**/c.md", true],
      ["a.md", "?.md", true],
      ["ab.md", "?.md", false],
      ["x.md", "**", true],
    ];
    for (const [path, glob, want] of cases) expect(matchesGlob(path, glob), `${path} ~ ${glob}`).toBe(want);
  });

  it("leave wins over focus; no lines, no limit", () => {
    const scope = scopeOf("focus: notes/\nleave: notes/private/");
    expect(outsideScope("notes/a.md", scope)).toBeNull();
    expect(outsideScope("notes/private/a.md", scope)).toMatch(/leave: notes\/private\//);
    expect(outsideScope("MEMORY.md", scope)).toMatch(/outside "focus: notes\/"/);
    expect(outsideScope("MEMORY.md", scopeOf("delete everything"))).toBeNull();
  });

  it("a long hostile glob is matched in linear time", () => {
    const started = performance.now();
    expect(matchesGlob(`${"a/".repeat(2_000)}b.md`, `${"*".repeat(2_000)}x`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
