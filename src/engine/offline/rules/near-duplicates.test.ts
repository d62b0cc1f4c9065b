import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule near-duplicates", () => {
  it("merges nothing: the same content words with another small word, and a wording with a word added, are listed (issue 13, class 2)", async () => {
    const { operations, candidates } = await run({
      "pets.md":
        "- Rex is a 3-year-old golden retriever who loves the beach\n- Rex is a golden retriever who loves the beach\n",
      "prefs.md":
        "- Prefers small pull requests with a short summary and a test plan\n- Prefers small pull requests with a summary and a test plan\n",
      "style.md":
        "- Use early returns instead of nested ifs in handlers.\n- Use early returns instead of the nested ifs in handlers!\n",
    });
    // "(Espadin=" and "(Espadin)" in a machine list were two records (issue 13's fourth audit): the same
    // content words in other small words or punctuation are listed too.
    expect(operations).toEqual([]);
    // "3-year-old" and "short" are facts the shorter wordings lack: listed for review, not merged.
    expect(candidates?.map((c) => c.evidence.map((e) => (e.source === "memory" ? e.path : "")))).toEqual(
      expect.arrayContaining([
        ["pets.md", "pets.md"],
        ["prefs.md", "prefs.md"],
        ["style.md", "style.md"],
      ]),
    );
  });

  it("never merges two entries whose shared words swap places: the roles differ (issue 13, class 3)", async () => {
    const { operations } = await run({
      "a.md":
        "- The user message has a parentUuid pointing to the previous assistant message\n- The assistant message has a parentUuid pointing to the previous user message\n",
    });
    expect(operations).toEqual([]);
  });

  it("never merges hard negatives that differ in one number, id, version or date", async () => {
    const { operations } = await run({
      "a.md": [
        "- Deploy billing-api v2.3.1 to the staging cluster before the review",
        "- Deploy billing-api v2.3.2 to the staging cluster before the review",
        "- Ticket BILL-482 covers the rounding of invoice totals per line",
        "- Ticket BILL-483 covers the rounding of invoice totals per line",
        "- The quarterly report for finance is due on 2026-03-14 this year",
        "- The quarterly report for finance is due on 2026-06-14 this year",
      ].join("\n"),
    });
    expect(operations).toEqual([]);
  });

  it("never merges a swap of opposites, alternatives or unknown names, however alike the rest", async () => {
    const pairs = [
      ["Run the database migrations before deploying the billing api to production servers.", "after"],
      ["The search worker exports its nightly report to the shared finance bucket every night.", "imports"],
      ["Rex the family dog sleeps in the kitchen basket next to the back door.", "cat"],
      ["The weekly sync with the platform team happens on monday mornings in room four.", "tuesday"],
      ["Enable verbose request logging on the staging gateway when debugging auth issues.", "Disable"],
      ["The ledger service uses pnpm workspaces for installs across the whole monorepo.", "yarn"],
    ] as const;
    const swap: Record<string, string> = {
      after: "before",
      imports: "exports",
      cat: "dog",
      tuesday: "monday",
      Disable: "Enable",
      yarn: "pnpm",
    };
    const lines = pairs.flatMap(([text, other]) => [
      `- ${text}`,
      `- ${text.replace(swap[other] ?? "", other)}`,
    ]);
    expect(new Set(lines).size).toBe(12);
    const { operations } = await run({ "a.md": `${lines.join("\n")}\n` });
    expect(operations).toEqual([]);
  });

  it("lists, never merges, a wording with one word swapped: it may name another subject (issue 13, class 3)", async () => {
    const { operations, candidates } = await run({
      "a.md":
        "- The search worker exports its nightly report to the shared finance bucket.\n- The search worker exports its nightly report to the team finance bucket.\n",
    });
    expect(operations).toEqual([]);
    expect(candidates).toHaveLength(1);
  });
});
