import { describe, expect, it } from "vitest";
import { type SessionOrder, sessionAfterLine, sessionsAfter } from "./session-order.ts";

const order: SessionOrder = {
  startedAt: new Map([
    ["later.jsonl", "2026-03-10T09:00:00.000Z"],
    ["same-day.jsonl", "2026-03-05T23:00:00.000Z"],
    ["undated.jsonl", null],
  ]),
  writtenOn: new Map([["notes/2026-03-05.md", new Map([[3, "2026-03-05"]])]]),
  seenSince: new Map([["CLAUDE.md", "2026-03-08T00:00:00.000Z"]]),
};

describe("a session is after an entry only when that is proven", () => {
  it("by the entry's day, strictly before the session's", () => {
    expect(sessionAfterLine(order, "2026-03-10T09:00:00.000Z", "notes/2026-03-05.md", 3)).toBe(true);
    // Same day: which came first is unknown.
    expect(sessionAfterLine(order, "2026-03-05T23:00:00.000Z", "notes/2026-03-05.md", 3)).toBe(false);
  });

  it("by a snapshot that held the file as it is before the session started", () => {
    expect(sessionAfterLine(order, "2026-03-10T09:00:00.000Z", "CLAUDE.md", 7)).toBe(true);
    expect(sessionAfterLine(order, "2026-03-07T09:00:00.000Z", "CLAUDE.md", 7)).toBe(false);
    // An undated line of a file no snapshot saw before: unknown.
    expect(sessionAfterLine(order, "2026-03-10T09:00:00.000Z", "other.md", 1)).toBe(false);
  });

  it("says why not, and a session without a time proves nothing", () => {
    const lines = [
      { line: 3, text: "- Uses npm." },
      { line: 4, text: "" },
    ];
    expect(sessionsAfter(order, ["later.jsonl"], "notes/2026-03-05.md", lines)).toBeNull();
    expect(sessionsAfter(order, ["same-day.jsonl"], "notes/2026-03-05.md", lines)).toMatch(
      /notes\/2026-03-05\.md:3 is not known to be older than session same-day\.jsonl/,
    );
    expect(sessionsAfter(order, ["undated.jsonl"], "CLAUDE.md", [{ line: 1, text: "- x" }])).toMatch(
      /no cited session has a time/,
    );
  });
});
