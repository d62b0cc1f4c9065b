import { describe, expect, it } from "vitest";
import { memoryFrom, sessionFrom } from "../../test/fixtures.ts";
import { GRACE_DAYS } from "./deadlines.ts";
import { checkInputOf } from "./inputs.ts";

const memory = memoryFrom({
  "notes/2026-03-02.md": "# 2026-03-02\n\n- one\n- two\n",
  "a.md": "- 2026-03-05: three\n- four\n",
});
const now = new Date("2026-03-20T18:00:00Z");

describe("checkInputOf", () => {
  it("takes the expiry cutoff a grace week before the dream", () => {
    expect(GRACE_DAYS).toBe(7);
    expect(checkInputOf([], { memory, sessions: [], now }).expiredBefore).toBe("2026-03-13");
  });

  it("budgets removals as a share of the entries, at least one", () => {
    expect(checkInputOf([], { memory, sessions: [], now }).maxRemovals).toBe(1);
    expect(checkInputOf([], { memory, sessions: [], now, deletionBudget: 0.5 }).maxRemovals).toBe(2);
    expect(checkInputOf([], { memory, sessions: [], now, deletionBudget: 0 }).maxRemovals).toBe(1);
  });

  it("dates each entry line from the input, and knows every path and session", () => {
    const input = checkInputOf([], { memory, sessions: [sessionFrom("s.jsonl", [["user", "hi"]])], now });
    expect([...(input.lineDates?.get("notes/2026-03-02.md") ?? [])]).toEqual([
      [3, "2026-03-02"],
      [4, "2026-03-02"],
    ]);
    expect([...(input.lineDates?.get("a.md") ?? [])]).toEqual([[1, "2026-03-05"]]);
    expect([...(input.paths ?? [])].sort()).toEqual(["a.md", "notes/2026-03-02.md"]);
    expect([...input.base.sessions.keys()]).toEqual(["s.jsonl"]);
  });
});
