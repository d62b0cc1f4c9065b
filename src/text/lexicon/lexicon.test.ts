import { describe, expect, it } from "vitest";
import { createLexicon, loadLexicon } from "./lexicon.ts";

describe("lexicon", () => {
  it("reads WordNet's relations from the bundled table", async () => {
    const lx = await loadLexicon();
    const cases: [string, string, string][] = [
      ["exports", "export", "same"],
      ["team's", "team", "same"],
      ["fast", "quick", "synonym"],
      ["run", "execute", "synonym"],
      ["enable", "disable", "antonym"],
      ["exports", "imports", "antonym"],
      ["before", "after", "antonym"],
      ["uncompressed", "compressed", "antonym"],
      ["encrypted", "unencrypted", "antonym"],
      ["non-blocking", "blocking", "antonym"],
      ["dog", "cat", "co-hyponym"],
      ["monday", "tuesday", "co-hyponym"],
      ["dog", "retriever", "compatible"],
      ["shared", "team", "compatible"],
      ["pnpm", "yarn", "unknown"],
    ];
    expect(cases.map(([a, b]) => [a, b, lx.relation(a, b)])).toEqual(cases);
    expect(lx.lemmas("ships")).toContain("ship");
    expect(lx.lemmas("kubectl")).toEqual([]);
  });

  it("works from any table of the same shape", () => {
    // ids: 0 animal, 1 dog, 2 cat, 3 pet; "dog" and "cat" share the parent 3.
    const lx = createLexicon({ LEMMAS: "cat 2 3,0\ndog 1 3,0\nhound 1 3,0\npet 3 0", ANTONYMS: "" });
    expect(lx.relation("dog", "hound")).toBe("synonym");
    expect(lx.relation("dog", "cat")).toBe("co-hyponym");
    expect(lx.relation("dog", "pet")).toBe("compatible");
    expect(lx.relation("dogs", "cats")).toBe("co-hyponym");
  });
});
