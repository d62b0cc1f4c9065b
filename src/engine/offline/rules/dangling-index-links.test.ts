import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule dangling-index-links", () => {
  it("removes index lines that link to files missing from the store, and only those", async () => {
    const { operations } = await run({
      "MEMORY.md":
        "# Memory\n- [Prefs](prefs.md) — preferences\n- [Gone](old/gone.md) — removed topic\n- [Docs](https://example.com/x.md)\n",
      "prefs.md": "- Prefers dark mode in every editor\n",
    });
    expect(operations.map((o) => [o.kind, o.changes[0]?.before[0]])).toEqual([
      ["prune", "- [Gone](old/gone.md) — removed topic"],
    ]);
  });
});
