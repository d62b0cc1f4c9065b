import { describe, expect, it } from "vitest";
import { WordDiff, wordParts } from "./word-diff.ts";

describe("word diff", () => {
  it("marks the words that changed, not the line", () => {
    expect(wordParts("Deploys run on Fridays", "Deploys run on Tuesdays")).toEqual([
      { text: "Deploys run on ", op: "same" },
      { text: "Fridays", op: "removed" },
      { text: "Tuesdays", op: "added" },
    ]);
  });

  it("shows a removal or an addition whole", () => {
    expect(wordParts("gone", "")).toEqual([{ text: "gone", op: "removed" }]);
    expect(wordParts("", "new")).toEqual([{ text: "new", op: "added" }]);
  });

  it("escapes memory text", () => {
    const html = String(WordDiff({ before: ["<script>alert(1)</script>"], after: ["<b>x</b> & y"] }));
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;");
    expect(html).toContain("&amp;");
    expect(String(WordDiff({ before: [], after: ["<img src=x onerror=alert(1)>"] }))).toContain(
      "&lt;img src=x onerror=alert(1)&gt;",
    );
  });
});
