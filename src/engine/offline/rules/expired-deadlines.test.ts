import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule expired-deadlines", () => {
  it("lists a deadline more than a week past, never prunes it (a passed due date does not say it was done)", async () => {
    const { operations, review } = await run({
      "todo.md":
        "- The Q1 VAT report is due on 2026-03-01\n- The Q2 VAT report is due on 2026-03-15\n- The Q3 VAT report is due on 2026-09-30\n",
    });
    expect(operations).toEqual([]);
    expect(review?.map((r) => [r.kind, r.evidence[0]?.quote])).toEqual([
      ["stale", "- The Q1 VAT report is due on 2026-03-01"],
    ]);
  });

  it("never lists live text: a command's argument, a gate with a further condition, history (issue 13, class 6)", async () => {
    const { operations, review } = await run({
      "todo.md": [
        "- Verify with `check-filing --submit-by 2026-03-01` before each release",
        "- Publishing is blocked until 2026-03-01 and the evidence is captured",
        "- The migration shipped by 2026-03-01 as planned",
        "- [ ] File the annual return by 2026-03-01",
        "",
      ].join("\n"),
    });
    expect(operations).toEqual([]);
    expect(review?.map((r) => r.evidence[0]?.quote)).toEqual(["- [ ] File the annual return by 2026-03-01"]);
  });
});
