import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline engine: possible duplicates (candidates.ts)", () => {
  it("lists, and never merges, one subject in other words; leaves two facts about it alone", async () => {
    const { operations, candidates } = await run({
      "services.md":
        "- The ledger-sync exports its nightly report to the shared finance bucket.\n- The ledger-sync retries failed jobs 3 times before paging Dana.\n",
      "notes/2026-03-02.md":
        "# 2026-03-02\n\n- Every night ledger-sync ships the report it produces into the accounting team's storage.\n",
    });
    expect(operations).toEqual([]);
    expect(candidates).toHaveLength(1);
    expect(
      candidates?.[0]?.evidence.map((e) => (e.source === "memory" ? `${e.path}:${e.line}` : "")),
    ).toEqual(["notes/2026-03-02.md:3", "services.md:1"]);
    expect(candidates?.[0]?.reason).toContain('same subject ("ledger-sync")');
  });

  it("lists a note restating itself in other words, changing nothing", async () => {
    const { operations, candidates } = await run({
      "lab.md":
        "# Lab\n\n## Topology\n- SW2 reaches the core through uplink port 10 only, after the rewire.\n- The guest SSID runs OWE transition mode.\n\n## Lessons\n- After the rewire, port 10 is the only uplink between SW2 and the core.\n",
    });
    expect(operations).toEqual([]);
    expect(candidates?.map((c) => c.evidence.map((e) => (e.source === "memory" ? e.line : 0)))).toEqual([
      [4, 8],
    ]);
    // In a store this small every word is rare: the cross-file lister finds the pair first; once each.
    expect(candidates?.[0]?.reason).toMatch(/may state one fact|may say one thing twice/);
  });
});
