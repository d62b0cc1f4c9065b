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
    const infra = [
      "# Infra",
      "- The billing-cron runs at 02:00 and retries three times",
      "- billing-cron alerts go to the payments channel",
      "- The invoice-worker replaced parts of what billing-cron did",
      "- The search-cron runs at 03:00 every night",
    ].join("\n");
    // A snapshot held the note before the session: the session is the later word.
    const { operations } = await run(
      { "infra.md": infra },
      sessions,
      new Map([["infra.md", "2026-03-05T00:00:00Z"]]),
    );
    expect(operations.map((o) => o.changes[0]?.before[0])).toEqual([
      "- The billing-cron runs at 02:00 and retries three times",
      "- billing-cron alerts go to the payments channel",
    ]);
    expect(operations.every((o) => o.kind === "prune" && o.evidence[0]?.source === "session")).toBe(true);
  });

  it("keeps a day's record, a name the sentence does not say is gone, and what only a tool or the assistant said", async () => {
    const seen = new Map([["infra.md", "2026-03-05T00:00:00Z"]]);
    const infra = "# Infra\n- pipeline-agent imports the jobs feed\n- The billing-cron runs at 02:00\n";
    const daily = { "notes/2026-03-02.md": "# 2026-03-02\n- The billing-cron runs at 02:00 and retries\n" };
    const said = (role: "user" | "assistant" | "tool", text: string) => [
      sessionFrom("s.jsonl", [[role, text]], "2026-03-10T09:00:00.000Z"),
    ];
    // The name is not what was dropped.
    expect(
      (
        await run(
          { "infra.md": infra },
          said("user", "pipeline-agent still imports from Notion, which was dropped."),
          seen,
        )
      ).operations,
    ).toEqual([]);
    // A daily note is a record of its day.
    expect((await run(daily, said("user", "The billing-cron was decommissioned."))).operations).toEqual([]);
    // Not typed by a person.
    expect(
      (await run({ "infra.md": infra }, said("tool", "billing-cron was removed from crontab"), seen))
        .operations,
    ).toEqual([]);
    expect(
      (await run({ "infra.md": infra }, said("assistant", "The billing-cron was removed."), seen)).operations,
    ).toEqual([]);
  });
});
