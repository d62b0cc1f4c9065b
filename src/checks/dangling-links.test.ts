import { describe, expect, it } from "vitest";
import { danglingTarget, resolveLink } from "./dangling-links.ts";

describe("resolveLink", () => {
  it("reads a link's target as a store path relative to its note", () => {
    expect(resolveLink("infra.md#hosts", "memory/MEMORY.md")).toBe("memory/infra.md");
    expect(resolveLink("../notes/My%20Day.md", "memory/MEMORY.md")).toBe("notes/My Day.md");
    expect(resolveLink("https://example.com/a.md", "MEMORY.md")).toBeNull();
    expect(resolveLink("#hosts", "MEMORY.md")).toBeNull();
  });

  it("reads a malformed escape as written instead of failing the dream", () => {
    expect(resolveLink("notes%zz.md", "MEMORY.md")).toBe("notes%zz.md");
    expect(danglingTarget("- [Notes](notes%zz.md) — gone", "MEMORY.md", new Set(["MEMORY.md"]))).toBe(
      "notes%zz.md",
    );
  });

  it("danglingTarget: a root-relative or out-of-store link is not dangling", () => {
    const paths = new Set(["MEMORY.md"]);
    expect(danglingTarget("- [Root](/x.md)", "MEMORY.md", paths)).toBeNull();
    expect(danglingTarget("- [Up](../x.md)", "MEMORY.md", paths)).toBeNull();
    expect(danglingTarget("- [Gone](gone.md)", "MEMORY.md", paths)).toBe("gone.md");
  });
});
