import { describe, expect, it } from "vitest";
import { anchor, baseOf, lineMap } from "./anchor.ts";

const change = (startLine: number, before: string[]) => ({
  path: "a.md",
  startLine,
  endLine: startLine + before.length - 1,
  before,
  after: [],
});

describe("anchor", () => {
  const base = ["# A", "- x", "- y", "- x", "- z"];
  it("finds a change where it was, or where the agent's edits elsewhere moved it", () => {
    expect(anchor(base, change(4, ["- x"]), lineMap(base, base))).toEqual({ start: 4, end: 4, moved: false });
    const live = ["# A", "new", "- x", "- y", "- x", "- z"];
    expect(anchor(live, change(4, ["- x"]), lineMap(base, live))).toEqual({ start: 5, end: 5, moved: true });
  });

  it("never takes the twin of a duplicate it was not given, and names a changed or split range", () => {
    const live = ["# A", "- x", "- y", "- x (edited)", "- z"];
    expect(anchor(live, change(4, ["- x"]), lineMap(base, live))).toEqual({
      conflict: "a.md:4-4 changed or is gone since the dream",
    });
    const split = ["# A", "- x", "- y", "inserted", "- x", "- z"];
    expect(anchor(split, change(3, ["- y", "- x"]), lineMap(base, split))).toHaveProperty("conflict");
  });

  it("rebuilds the file the dream read from the proposed store and its changes", () => {
    const store = ["# A", "- x", "- y", "- z (new)"];
    const changes = [
      change(4, ["- x"]),
      { path: "a.md", startLine: 5, endLine: 5, before: ["- z"], after: ["- z (new)"] },
    ];
    expect(baseOf(store, changes)).toEqual(base);
  });
});
