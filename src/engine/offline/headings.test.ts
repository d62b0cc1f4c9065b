import { describe, expect, it } from "vitest";
import { consolidateOffline, memoryFrom } from "../../../test/fixtures.ts";
import { checkOperations } from "../../checks/check-operations.ts";

describe("headings emptied by several operations", () => {
  it("the removal right under the heading takes the heading and goes last, so code accepts all of them", async () => {
    const files = {
      "notes/2026-03-02.md":
        "# 2026-03-02\n\n- Prefers small PRs with tests.\n- Deploy region is eu-west-1.\n",
      "profile.md": "# Profile\n\n- Prefers small PRs with tests.\n- Deploy region is eu-west-1.\n",
    };
    const { operations } = await consolidateOffline(files);
    const memory = memoryFrom(files);
    const { accepted, refused } = checkOperations({
      operations,
      base: { notes: new Map(memory.notes.map((n) => [n.path, n.parsed.lines])), sessions: new Map() },
      opaque: new Set(),
    });
    expect(refused).toEqual([]);
    const daily = accepted.flatMap((op) => op.changes.filter((c) => c.path === "notes/2026-03-02.md"));
    expect(daily.map((c) => [c.startLine, c.endLine]).sort()).toEqual([
      [1, 3],
      [4, 4],
    ]);
  });
});
