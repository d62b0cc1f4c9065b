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
});
