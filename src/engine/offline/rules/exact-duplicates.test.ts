import { describe, expect, it } from "vitest";
import { consolidateOffline as run } from "../../../../test/fixtures.ts";

// Through the whole engine: what it proposes over a store, and what it leaves alone.
describe("offline rule exact-duplicates", () => {
  it("merges exact and normalized duplicates, keeping the topic file's copy", async () => {
    const { operations } = await run({
      "notes/2026-03-02.md": "# 2026-03-02\n\n- **Prefers** small PRs with tests.\n",
      "profile.md": "# Profile\n\n- prefers small PRs with tests\n- Prefers small PRs with tests.\n",
    });
    expect(operations).toHaveLength(1);
    const [op] = operations;
    expect(op?.kind).toBe("merge");
    expect(op?.reason).toContain("kept profile.md:3");
    // The daily note's copy is all its date heading holds: the heading goes with it (never left empty).
    expect(op?.changes.map((c) => `${c.path}:${c.startLine}`)).toEqual([
      "profile.md:4",
      "notes/2026-03-02.md:1",
    ]);
    expect(op?.evidence).toHaveLength(3);
  });

  it("does not merge entries that differ in a number, version or checkbox", async () => {
    const { operations } = await run({
      "a.md":
        "- Deploy v1.2 to staging\n- Deploy v1.3 to staging\n- [ ] ship it\n- [x] ship it\n- port 8080\n- port 8081\n",
    });
    expect(operations).toEqual([]);
  });

  it("merges entries that become equal once their dates are absolute", async () => {
    const { operations } = await run({
      "notes/2026-03-03.md": "# 2026-03-03\n\n- Deployed to staging on 2026-03-02.\n",
      "notes/2026-03-04.md": "# 2026-03-04\n\n- Deployed to staging 2 days ago.\n",
    });
    expect(operations.map((o) => o.kind)).toEqual(["merge"]);
  });

  it("never merges what only looks alike: code under items, loose lists, short items in other sections, steps, identifiers", async () => {
    const { operations } = await run({
      "a.md": [
        "- Run this before the deploy:",
        "```",
        "make migrate",
        "```",
        "- Run this before the deploy:",
        "```",
        "make rollback",
        "```",
        "",
        "- Project A",
        "",
        "  - status: done and shipped",
        "",
        "- Project B",
        "",
        "  - status: done and shipped",
        "",
        "## Blockers",
        "- None",
        "## Risks",
        "- None",
        "",
        "1. Apply the schema migration first",
        "2. Apply the schema migration first",
        "",
        "Overview",
        "--------",
        "",
        "Overview",
        "--------",
        "",
        "- The token variable is GITHUB_TOKEN",
        "- the token variable is github_token",
      ].join("\n"),
    });
    expect(operations).toEqual([]);
  });

  it("removes a duplicate paragraph with its blank line and leaves code blocks alone", async () => {
    const text = "Intro para.\n\nSame para.\n\nSame para.\n\n```\n- Same para.\n```\n";
    const { operations } = await run({ "a.md": text });
    expect(operations).toHaveLength(1);
    expect(operations[0]?.changes).toEqual([
      { path: "a.md", startLine: 5, endLine: 6, before: ["Same para.", ""], after: [] },
    ]);
  });
});
