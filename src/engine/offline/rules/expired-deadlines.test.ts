import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule expired-deadlines", () => {
  it("prunes a deadline more than a week past, keeps recent and future ones", async () => {
    const { operations } = await run({
      "todo.md":
        "- The Q1 VAT report is due on 2026-03-01\n- The Q2 VAT report is due on 2026-03-15\n- The Q3 VAT report is due on 2026-09-30\n",
    });
    expect(operations.map((o) => [o.kind, o.changes[0]?.before[0]])).toEqual([
      ["prune", "- The Q1 VAT report is due on 2026-03-01"],
    ]);
  });
});
