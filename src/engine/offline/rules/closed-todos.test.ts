import { describe, expect, it } from "vitest";
import { consolidateOffline as run, sessionFrom } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule closed-todos", () => {
  it("prunes an open TODO a later session closes, citing the session, and keeps one nobody closed", async () => {
    const sessions = [
      sessionFrom(
        "later.jsonl",
        [["user", "The billing signing keys are rotated, that TODO is done."]],
        "2026-03-10T09:00:00.000Z",
      ),
    ];
    const { operations } = await run(
      {
        "notes/2026-03-02.md":
          "# 2026-03-02\n- [ ] Rotate the billing signing keys\n- [ ] Rotate the search signing keys\n",
      },
      sessions,
    );
    expect(operations.map((o) => o.kind)).toEqual(["prune"]);
    expect(operations[0]?.changes[0]?.before).toEqual(["- [ ] Rotate the billing signing keys"]);
    expect(operations[0]?.evidence[0]).toMatchObject({ source: "session", session: "later.jsonl" });
  });

  it("does not prune on a session older than the TODO", async () => {
    const sessions = [
      sessionFrom("old.jsonl", [["user", "Billing signing keys rotated: done."]], "2026-02-01T09:00:00.000Z"),
    ];
    const { operations } = await run(
      { "notes/2026-03-02.md": "# 2026-03-02\n- [ ] Rotate the billing signing keys\n" },
      sessions,
    );
    expect(operations).toEqual([]);
  });

  it("an undated TODO goes only when a snapshot held its note, as it is, before the session (issue 16)", async () => {
    const sessions = [
      sessionFrom(
        "later.jsonl",
        [["user", "Billing signing keys rotated: done."]],
        "2026-03-10T09:00:00.000Z",
      ),
    ];
    const files = { "todo.md": "# TODO\n- [ ] Rotate the billing signing keys\n" };
    // Nothing says the note is older than the session: it may be the newer word.
    expect((await run(files, sessions)).operations).toEqual([]);
    expect(
      (await run(files, sessions, new Map([["todo.md", "2026-03-11T00:00:00.000Z"]]))).operations,
    ).toEqual([]);
    const seen = await run(files, sessions, new Map([["todo.md", "2026-03-05T00:00:00.000Z"]]));
    expect(seen.operations.map((o) => o.kind)).toEqual(["prune"]);
  });

  it("does not prune on a session from the TODO's own day, or one with no time", async () => {
    const files = { "notes/2026-03-02.md": "# 2026-03-02\n- [ ] Rotate the billing signing keys\n" };
    const sameDay = [
      sessionFrom("s.jsonl", [["user", "Billing signing keys rotated: done."]], "2026-03-02T23:00:00.000Z"),
    ];
    expect((await run(files, sameDay)).operations).toEqual([]);
    const undated = {
      ...sessionFrom("u.jsonl", [["user", "Billing signing keys rotated: done."]]),
      startedAt: null,
    };
    expect((await run(files, [undated])).operations).toEqual([]);
  });
});
