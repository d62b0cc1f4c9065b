import { describe, expect, it } from "vitest";
import { consolidateOffline as run, sessionFrom } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule removed-references", () => {
  it("prunes entries about the removed thing, keeps passing mentions and other things", async () => {
    const sessions = [
      sessionFrom(
        "s.jsonl",
        [["user", "FYI the billing-cron was decommissioned last sprint."]],
        "2026-03-10T09:00:00.000Z",
      ),
    ];
    const { operations } = await run(
      {
        "notes/2026-03-02.md": [
          "# 2026-03-02",
          "- The billing-cron runs at 02:00 and retries three times",
          "- billing-cron alerts go to the payments channel",
          "- The invoice-worker replaced parts of what billing-cron did",
          "- The search-cron runs at 03:00 every night",
        ].join("\n"),
      },
      sessions,
    );
    expect(operations.map((o) => o.changes[0]?.before[0])).toEqual([
      "- The billing-cron runs at 02:00 and retries three times",
      "- billing-cron alerts go to the payments channel",
    ]);
    expect(operations.every((o) => o.kind === "prune" && o.evidence[0]?.source === "session")).toBe(true);
  });
});
