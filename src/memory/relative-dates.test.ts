import { describe, expect, it } from "vitest";
import { rewriteRelativeDates } from "./relative-dates.ts";

// 2026-03-04 is a Wednesday.
const REF = "2026-03-04";
const rw = (s: string) => rewriteRelativeDates(s, REF).text;

describe("rewriteRelativeDates", () => {
  it("rewrites single days with a natural preposition", () => {
    expect(rw("Deployed to prod yesterday.")).toBe("Deployed to prod on 2026-03-03.");
    expect(rw("Yesterday we rotated the keys")).toBe("On 2026-03-03 we rotated the keys");
    expect(rw("flaky since yesterday")).toBe("flaky since 2026-03-03");
    expect(rw("yesterday's standup moved")).toBe("2026-03-03's standup moved");
    expect(rw("release tomorrow, retro the day after tomorrow")).toBe(
      "release on 2026-03-05, retro on 2026-03-06",
    );
    expect(rw("fixed 3 days ago")).toBe("fixed on 2026-03-01");
    expect(rw("migrated two weeks ago")).toBe("migrated on 2026-02-18");
    expect(rw("due in 10 days")).toBe("due on 2026-03-14");
  });

  it("resolves weekdays relative to the day written", () => {
    expect(rw("met last Tuesday")).toBe("met on 2026-03-03");
    expect(rw("met last Wednesday")).toBe("met on 2026-02-25");
    expect(rw("ship next Monday")).toBe("ship on 2026-03-09");
    expect(rw("ship next Wednesday")).toBe("ship on 2026-03-11");
    expect(rw("demo this Friday")).toBe("demo on 2026-03-06");
  });

  it("rewrites weeks, months and years", () => {
    expect(rw("on call last week")).toBe("on call in the week of 2026-02-23");
    expect(rw("budget for next month")).toBe("budget for April 2026");
    expect(rw("hired last year")).toBe("hired in 2025");
    expect(rw("this morning the build broke")).toBe("on the morning of 2026-03-04 the build broke");
  });

  it("leaves code spans, absolute dates and lookalikes alone", () => {
    expect(rw("run `git log --since yesterday` first")).toBe("run `git log --since yesterday` first");
    expect(rw("deployed on 2026-03-01")).toBe("deployed on 2026-03-01");
    expect(rw("todays and yesterdays")).toBe("todays and yesterdays");
    expect(rw("See https://example.com/today/report and docs/yesterday-notes.md")).toBe(
      "See https://example.com/today/report and docs/yesterday-notes.md",
    );
    expect(rw("[today](notes/today.md), [[yesterday]], <https://x.org/today>")).toBe(
      "[today](notes/today.md), [[yesterday]], <https://x.org/today>",
    );
    expect(rw("#today today-ish a.today")).toBe("#today today-ish a.today");
    expect(rw("done in a week or two")).toBe("done in a week or two");
    expect(rw("deploy tonight")).toBe("deploy on the night of 2026-03-04");
  });

  it("is idempotent and reports each rewrite", () => {
    const once = rewriteRelativeDates("yesterday and last Friday", REF);
    expect(once.rewrites).toEqual([
      { from: "yesterday", to: "on 2026-03-03" },
      { from: "last Friday", to: "on 2026-02-27" },
    ]);
    expect(rewriteRelativeDates(once.text, REF).rewrites).toEqual([]);
  });

  it("handles month and year boundaries", () => {
    expect(rewriteRelativeDates("yesterday", "2026-01-01").text).toBe("on 2025-12-31");
    expect(rewriteRelativeDates("last month", "2026-01-15").text).toBe("in December 2025");
    expect(rewriteRelativeDates("tomorrow", "2024-02-28").text).toBe("on 2024-02-29");
  });

  it("proposes only a specific day in a statement: not today, periods, possessives, labels, rules or greetings", () => {
    const propose = (t: string) => rewriteRelativeDates(t, REF, { proposal: true }).text;
    expect(propose("Rolled back the billing API yesterday after the alert.")).toBe(
      "Rolled back the billing API on 2026-03-03 after the alert.",
    );
    expect(propose("met last Tuesday; ship tomorrow")).toBe("met on 2026-03-03; ship on 2026-03-05");
    expect(propose("BTC up $4,561 vs. yesterday, a 1-month high")).toBe(
      "BTC up $4,561 vs. 2026-03-03, a 1-month high",
    );
    expect(propose("- 2026-03-04: timeout was fixed yesterday (120s → 180s)")).toBe(
      "- 2026-03-04: timeout was fixed on 2026-03-03 (120s → 180s)",
    );
    expect(propose("- First scanner run will be tomorrow 6 AM")).toBe(
      "- First scanner run will be on 2026-03-05 6 AM",
    );
    expect(propose("Rolled back the API 3 days ago after the alert.")).toBe(
      "Rolled back the API on 2026-03-01 after the alert.",
    );
    // Fourth audit: a part of the day, a label, shouting.
    expect(propose("BTC up 1.5% from $69,370 yesterday morning")).toBe(
      "BTC up 1.5% from $69,370 on the morning of 2026-03-03",
    );
    expect(propose("Morning brief: Tomorrow 7am ET")).toBe("Morning brief: 2026-03-05 7am ET");
    expect(propose("Tools added. Merge TOMORROW.")).toBe("Tools added. Merge on 2026-03-05.");
    for (const kept of [
      "Nothing worth acting on today.",
      "This week's acquisition quota: 10 sends.",
      "Falls back to yesterday's data if today is missing.",
      "Tomorrow: post the PMO draft",
      "See you tomorrow,",
      "If the cron fails, retry tomorrow.",
      "Every day we check what changed yesterday.",
      "ship next Monday",
      "on call last week",
      "The build goes live in 7 days.",
      "no posts in 14 days",
      "checked 5 days ago against the 7-day rule",
      "seen 1–3 days ago",
      "posted 2 days ago",
      "moved 3 weeks ago",
      "Tomorrow is a holiday.",
      // Third audit: addressed to a reader, a question, a day already named, first in its clause, a figure.
      "Cheat sheet will hit your DM at 4 PM tomorrow.",
      "What do you want to do tomorrow?",
      "Advisory deadline is tomorrow (Tuesday, March 3), start now.",
      "last_lesson_date = 2026-03-11 (yesterday, not today)",
      "Runs: Tomorrow 2026-03-25 03:00",
      "Posted yesterday afternoon (Mar 26).",
      "Tomorrow morning will be the first full run",
      "Yesterday I went to the market",
      "- Tomorrow 6 AM cron: first production test",
      "Cost check: no alerts (yesterday $1.76, MTD $2.32)",
      // Fourth audit: a range, a speaker's turn, the day naming an event, the subject of its clause.
      "Calendar: no events today or tomorrow",
      "Candidate: Assistant: a thin line where yesterday decided it was enough",
      "Replied with the proposal + tomorrow morning sync.",
      "bro_agent: tomorrow sync confirmed",
    ]) {
      expect(propose(kept)).toBe(kept);
    }
  });
});
