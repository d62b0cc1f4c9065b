import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule normalize", () => {
  it("rewrites relative dates before comparing, so the same words on different days stay apart", async () => {
    const { operations } = await run({
      "notes/2026-03-03.md": "# 2026-03-03\n\n- Deployed to staging yesterday.\n",
      "notes/2026-03-04.md": "# 2026-03-04\n\n- Deployed to staging yesterday.\n",
    });
    expect(operations.map((o) => o.kind)).toEqual(["normalize", "normalize"]);
    expect(operations.map((o) => o.changes[0]?.after)).toEqual([
      ["- Deployed to staging on 2026-03-02."],
      ["- Deployed to staging on 2026-03-03."],
    ]);
  });

  it("uses the most specific write date: inline stamp, heading, filename; never the frontmatter's", async () => {
    const { operations } = await run({
      "log.md":
        "---\ndate: 2026-01-10\n---\n- met Dana yesterday\n\n## 2026-02-01\n- met Dana yesterday\n- 2026-02-05: met Dana yesterday\n",
    });
    // A frontmatter date dates the file, not each line added to it since: that line is left as written.
    expect(operations.flatMap((o) => o.changes.map((c) => c.after[0]))).toEqual([
      "- met Dana on 2026-01-31",
      "- 2026-02-05: met Dana on 2026-02-04",
    ]);
  });

  it("leaves a relative date alone when the note has no date, and says so", async () => {
    const { operations, notes } = await run({ "infra.md": "- The channel moved last week.\n" });
    expect(operations).toEqual([]);
    expect(notes).toEqual(["infra.md:1: relative date left as written (no date for the line)"]);
  });

  it("never rewrites quoted words, keyword or prompt lines, durations, code, tables or blockquotes", async () => {
    const day = "notes/2026-03-05.md";
    const { operations } = await run({
      [day]: [
        '- the weekly prompt says "summarise what happened yesterday"',
        "- Keywords that open an incident: deadline today, outage",
        "- We reached 2M users in 9 weeks.",
        "- Use `git log --since=yesterday` for the digest.",
        "",
        "| when | what |",
        "| --- | --- |",
        "| yesterday | deploy |",
        "",
        "> The pager said yesterday that the queue was full.",
        "",
        "```",
        "run this tomorrow",
        "```",
        "",
        "- We moved the cron yesterday.",
        "",
      ].join("\n"),
    });
    expect(operations.flatMap((o) => o.changes.map((c) => c.after[0]))).toEqual([
      "- We moved the cron on 2026-03-04.",
    ]);
  });

  it("leaves someone else's words, notes that run past midnight and half-dated lines as written", async () => {
    const { operations, notes } = await run({
      "notes/2026-03-05.md": [
        "## Spanish lesson",
        "1. Tell her where you went yesterday.",
        "",
        "## Log",
        "- Restarted the worker yesterday.",
        "- 3rd misfire today (5 AM + 1 AM yesterday)",
        "- **Ayer fui** (Yesterday I went)",
        "",
      ].join("\n"),
      "notes/2026-03-06.md":
        "## Session 22:00\n- Next run tomorrow at 9 AM.\n### Wrap-up (1:30 AM)\n- done\n## Session 18:00\n- Next run tomorrow at 8 AM.\n## Session 2 (Late Night)\n- Next run tomorrow at 4 AM.\n",
    });
    expect(operations.flatMap((o) => o.changes.map((c) => c.after[0]))).toEqual([
      "- Restarted the worker on 2026-03-04.",
      "- Next run on 2026-03-07 at 8 AM.",
    ]);
    expect(notes).toEqual([
      'notes/2026-03-05.md:2: relative date left as written (under "Spanish lesson", someone else\'s words)',
      "notes/2026-03-06.md:2: relative date left as written (that part of the note runs past midnight)",
      "notes/2026-03-06.md:8: relative date left as written (that part of the note runs past midnight)",
    ]);
  });

  it("dates entries only from headings that are dates", async () => {
    const { operations } = await run({
      "notes/2026-03-05.md": "## Review of the 2024-01-01 incident\n- We fixed it yesterday.\n",
    });
    expect(operations[0]?.changes[0]?.after).toEqual(["- We fixed it on 2026-03-04."]);
  });
});
